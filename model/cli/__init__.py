"""The command line: one module per command, each registering its options and printing what the layers below compute."""
