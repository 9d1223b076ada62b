"""Sweeps: many scenarios, parameter points and replications, run anywhere, analysed after.

The layers follow EMA Workbench and know nothing of each other's internals:

- `design`     the validated experiment file (scenarios, parameters, sampler, replications);
- `samplers`   parameter points: grid, Latin hypercube, Sobol (Saltelli), Morris;
- `tasks`      one run: (scenario, seed) -> a flat record of outcomes (what a worker does);
- `evaluators` where runs happen: in this process, a process pool, or dask.distributed;
- `store`      one file per finished run, written atomically; resume = run what is missing;
- `plan`       which runs, in which rounds (replications until a target CI width), and
               which run is a reorganising run's counterfactual;
- `analysis`, `sensitivity`, `discovery`  tables and figures, read from the store;
- `sweep`      design -> plan -> runs -> store -> analysis (the command line prints it);
- `compare`    `sdsim compare`: a sweep without parameters.

The statistics (mean, CI, paired differences) are `model/runs/statistics.py`, shared with
every other table.
"""
