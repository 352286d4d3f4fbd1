"""The index follows every write: a saved record is indexed again, a deleted one taken out,
in the same transaction as the write itself."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from search import indexing


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.index(instance)


def _deleted(sender, instance, **kwargs):
    indexing.unindex(instance)


def follow(label):
    try:
        model = apps.get_model(label)
    except LookupError:  # an app not installed here
        return
    post_save.connect(_saved, sender=model, dispatch_uid=f"search.saved.{label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"search.deleted.{label}")


def connect():
    for label in indexing.DESCRIBERS:
        follow(label)
