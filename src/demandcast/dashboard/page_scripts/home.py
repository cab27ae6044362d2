"""The start page: the dashboards, what each answers and the published tables it reads."""

from demandcast.dashboard import home

home.render()
