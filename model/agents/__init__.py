"""The state behaviour acts on: families and their needs (and the stream they arrive in), organisations with their teams, professionals and cases."""
