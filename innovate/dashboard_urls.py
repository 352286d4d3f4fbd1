"""The dashboards' URLs, included once from innovate.urls under the namespace "dashboard"."""

from django.urls import path

from innovate.views import dashboard, exports, mywork

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", dashboard.portfolio, name="portfolio"),
    path("dashboard/durations/", dashboard.durations, name="durations"),
    path("dashboard/flow/", dashboard.flow_over_time, name="flow"),
    path("dashboard/compare/", dashboard.compare, name="compare"),
    path("dashboard/report/", dashboard.board_report, name="report"),
    path("dashboard/export/portfolio.csv", exports.portfolio_csv, name="export-portfolio"),
    path("dashboard/export/moves.csv", exports.moves_csv, name="export-moves"),
    path("dashboard/export/durations.csv", exports.durations_csv, name="export-durations"),
    path("my-work/", mywork.my_work, name="my-work"),
]
