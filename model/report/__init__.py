"""The advisor's report (`sdsim report`): a comparison's folder turned into one HTML file (and
a PDF) a council can read, in Dutch or English, with a social cost-benefit account (MKBA).

It sits between `cli` and `output`: it reads what `output/` and the sweeps wrote and the
declarations below them, and writes one document; nothing in the model depends on it.
"""
