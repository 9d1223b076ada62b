"""The students' app (`sdsim app`): a page in the browser (Mesa's SolaraViz components on
Solara) that steps one model, or two on the same seed side by side, and shows live what
the families go through. It reads the model only through its public parts: the scenario
and its declarations, `SocialDomainModel` and its event log, and the declared outcomes.

`controls.py` makes the inputs from the parameters' declarations; `live.py` keeps the
figures up to date from the records each step adds; `appmodel.py` is the Mesa model the
page steps; `views.py` draws; `page.py` is the page (the only module that needs Solara).
"""
