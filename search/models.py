"""One row per thing a person may search for: its own words (a title and a body), where it sits
(its organisation, innovation, part and stage) and, on PostgreSQL, its search vector. The rows
are kept up to date on write (search.signals); `manage.py rebuild_search` makes them again.

Who may read a row is never stored here: a search keeps to the innovations the access core
lets the person see (innovate.access.visible_innovations) at the moment they search, so an
innovation restricted, shared or withdrawn since is answered as it stands now."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from stages.models import Innovation, Organisation, Part, Stage


class Kind(models.TextChoices):
    """What a row is, in the order the results show them."""

    INNOVATION = "innovation", "Innovations"
    PART = "part", "Parts"
    MOVE = "move", "Moves"
    MEASURE = "measure", "Measures"
    READING = "reading", "Readings"
    CHECK = "check", "Key question answers"
    INVOLVEMENT = "involvement", "Involvement"
    ETHICS = "ethics", "Ethics notes"
    SESSION = "session", "Reflection sessions"
    NOTE = "note", "Session notes"
    DECISION = "decision", "Decisions"
    ACTION = "action", "Actions"
    LEARNING = "learning", "What we learned"
    FILE = "file", "Files"


KIND_ORDER = {kind.value: number for number, kind in enumerate(Kind)}


class Entry(models.Model):
    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey(
        Part, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The id in the address of the page that shows it (a reading's measure, a note's session).
    page_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # Written by the database on PostgreSQL (a trigger made by migration 0001), NULL elsewhere.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
        ]
        indexes = [
            models.Index(fields=["organisation", "kind"], name="search_entry_org_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
