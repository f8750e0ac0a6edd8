from django.urls import path

from resonanz.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("insights/topics/<str:key>/", views.topic, name="topic"),
    path("insights/customers/", views.customers, name="customers"),
    path("insights/export/<slug:table>.<str:fmt>", views.export, name="export"),
    path("insights/report.pdf", views.report_pdf, name="report_pdf"),
    path("insights/plotly.min.js", views.plotly_js, name="plotly_js"),
]
