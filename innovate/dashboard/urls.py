"""The dashboards' URLs, included once from innovate.urls under the namespace "dashboard"."""

from django.urls import path

from innovate.dashboard import exports, mywork, views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.portfolio, name="portfolio"),
    path("dashboard/attention/", views.attention, name="attention"),
    path("dashboard/durations/", views.durations, name="durations"),
    path("dashboard/flow/", views.flow_over_time, name="flow"),
    path("dashboard/compare/", views.compare, name="compare"),
    path("dashboard/report/", views.board_report, name="report"),
    path("dashboard/report.pdf", views.board_report_pdf, name="report-pdf"),
    path("dashboard/export/portfolio.csv", exports.portfolio_csv, name="export-portfolio"),
    path("dashboard/export/moves.csv", exports.moves_csv, name="export-moves"),
    path("dashboard/export/durations.csv", exports.durations_csv, name="export-durations"),
    path("my-work/", mywork.my_work, name="my-work"),
]
