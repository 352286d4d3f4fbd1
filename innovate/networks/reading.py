"""A network's views, read across its member organisations: the wheel with how many shared
parts are in each stage and state, by organisation, and each member organisation's page with
its shared parts (as of any date), time in each stage pooled across the network, the
adoptions' fidelity, what moved since a date, a model's page, the CSV files of each, and the
anonymised public summary. Every read goes through networks.queries.shared_innovations;
observers see counts, never a part, and every count under 3 that would single out an
organisation's part is "fewer than 3" for them."""

import hashlib
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from innovate.access import (
    NETWORK_PARTS,
    NETWORK_VIEW,
    get_network_for,
    get_shared_model_for,
    may_manage_model,
)
from innovate.caching import TIMEOUT
from innovate.csv import csv_lines
from innovate.http import HttpRequest, respond
from innovate.networks.forms import ChangesForm, ComponentForm, NetworkDateForm
from innovate.pictures.dashboard import aggregate_wheel_svg
from innovate.pictures.wheel import Marker, wheel_svg
from networks import queries
from networks.models import FidelityState, Network, ShareLevel, SummaryState
from networks.pooling import FEWER, anonymous_labels, shown, spread, suppressed
from stages.models import State, stage_names


def _when(on, today):
    return "today" if on == today else f"as of {on:%-d %B %Y}"


def _key(network, name, members, *parts):
    """A cache key that changes with the network's version and with every member
    organisation's version: a change of consent, membership or any member's data is seen at
    once."""
    versions = ",".join(f"{m.organisation_id}:{m.organisation.version}" for m in members)
    raw = "|".join(map(str, [network.version, versions, *parts, *stage_names().values()]))
    return f"innovate:network-{name}:{network.pk}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def _picture(network, members, on):
    """The network's Picture at the end of `on`: every shared part, cached."""
    return cache.get_or_set(
        _key(network, "picture", members, on),
        lambda: queries.picture(network, on),
        TIMEOUT,
    )


def _counts(network, members, on):
    """The network's Counts at the end of `on`, cached."""
    return cache.get_or_set(
        _key(network, "counts", members, on),
        lambda: queries.stage_counts(network, on),
        TIMEOUT,
    )


def _html(request, key, template, context):
    """The HTML of `template` rendered with `context()`, kept under `key` (a `_key`, which
    changes with every change the network's pages show). It must hold nothing of the visitor's
    own: no form, no CSRF token, no message."""
    found = cache.get(key)
    if found is None:
        found = render_to_string(template, context(), request)
        cache.set(key, found, TIMEOUT)
    return mark_safe(found)  # rendered by the template engine, which escaped it


def _durations(network, members, on):
    def compute():
        pooled, _times, innovations = queries.durations(network, on)
        return pooled

    return cache.get_or_set(_key(network, "durations", members, on), compute, TIMEOUT)


def _names(members):
    return {m.organisation_id: m.organisation.name for m in members}


def _common(network, standing, form, **context):
    on = form.on_date
    return {
        "network": network,
        "standing": standing,
        "observer": standing.is_observer,
        "form": form,
        "on": on,
        "is_today": on == form.today,
        "when": _when(on, form.today),
        "on_query": f"on={on.isoformat()}" if on != form.today else "",
        **context,
    }


def organisation_rows(counts, members, observer):
    """[(organisation id, name, [(count in each stage, [(count, state) paused or stopped])],
    total)], every current member's, counts suppressed for observers."""
    rows = []
    for member in members:
        mine = counts.by_organisation.get(member.organisation_id)
        cells = []
        for n in range(1, 7):
            here = mine[n] if mine else {}
            others = [
                (shown(here.get(state, 0), observer=observer), State(state).label.lower())
                for state in (State.PAUSED, State.STOPPED)
                if here.get(state, 0)
            ]
            cells.append((shown(sum(here.values()), observer=observer), others))
        total = sum(counts.in_stages(member.organisation_id).values())
        rows.append(
            (
                member.organisation_id,
                member.organisation.name,
                cells,
                shown(total, observer=observer),
            )
        )
    return rows


def stage_state_rows(counts, observer):
    """[(stage number, name, [count in each state], total)] of the whole network."""
    return [
        (
            number,
            name,
            [shown(counts.counts[number][s], observer=observer) for s in State.values],
            shown(sum(counts.counts[number].values()), observer=observer),
        )
        for number, name in stage_names().items()
    ]


def network_wheel(found, title, observer):
    """The wheel of a few parts: a numbered marker per part for members; for observers the
    number of parts in each stage and state, with counts under 3 shown as fewer than 3."""
    if observer:
        return aggregate_wheel_svg(
            found.counts, title=title, id_prefix="network-wheel", suppress=True
        )
    markers = [
        Marker(index, f"{part.name} ({part.innovation})", part.stage, part.state, part.cycle)
        for index, part in enumerate(found.parts, start=1)
    ]
    return wheel_svg(markers, title=title, uid="network-wheel")


@require_GET
@login_required
def wheel(request: HttpRequest, pk):
    """The network's wheel: how many shared parts are in each stage and state, and a table
    of them by organisation. The parts themselves are on each organisation's page (for
    members): a network of twenty organisations shares thousands."""
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    form = NetworkDateForm(request.GET)
    on = form.on_date
    members = queries.members(network)
    observer = standing.is_observer
    context = _common(network, standing, form)

    def body():
        counts = _counts(network, members, on)
        title = f"Shared parts of {network.name}'s member organisations on the wheel, " + _when(
            on, form.today
        )
        return {
            **context,
            "wheel": aggregate_wheel_svg(
                counts.counts, title=title, id_prefix="network-wheel", suppress=observer
            ),
            "stage_names": stage_names(),
            "states": State.labels,
            "organisations": organisation_rows(counts, members, observer),
            "stages": stage_state_rows(counts, observer),
            "total": shown(counts.total, observer=observer),
        }

    context["body"] = _html(
        request,
        _key(network, "wheel-html", members, on, observer),
        "networks/wheel.html#body",
        body,
    )
    return respond(request, "networks/wheel.html", context, partial="results")


@require_GET
@login_required
def organisation(request: HttpRequest, pk, organisation_pk):
    """One member organisation's shared innovations and their parts, on a wheel and in a
    table, with their measures' statuses where it shares them: for members, as of any date."""
    network, standing = get_network_for(request, pk, NETWORK_PARTS)
    form = NetworkDateForm(request.GET)
    on = form.on_date
    members = queries.members(network)
    member = next((m for m in members if m.organisation_id == organisation_pk), None)
    if member is None:
        raise Http404("No such page")
    context = _common(network, standing, form, member=member)

    def body():
        found = queries.picture(network, on, organisation=organisation_pk)
        statuses = queries.measure_statuses(found)
        title = f"Shared parts of {member.organisation.name} on the wheel, " + _when(on, form.today)
        names_of_stages = stage_names()
        by_innovation = {}
        for number, part in enumerate(found.parts, start=1):
            by_innovation.setdefault(part.innovation_id, []).append(
                (number, part, names_of_stages[part.stage])
            )
        innovations = [
            {
                "innovation": innovation,
                "level": ShareLevel(innovation.share_level).label,
                "parts": by_innovation.get(innovation.pk, []),
                "statuses": statuses.get(innovation.pk, []),
            }
            for innovation in found.innovations
        ]
        return {
            **context,
            "wheel": network_wheel(found, title, False),
            "innovations": innovations,
            "total": len(found.parts),
        }

    context["body"] = _html(
        request,
        _key(network, "organisation-html", members, on, organisation_pk),
        "networks/organisation.html#body",
        body,
    )
    return respond(request, "networks/organisation.html", context, partial="results")


def _days(value):
    return f"{value:.1f}".removesuffix(".0")


def spread_text(spread, observer):
    """A Spread in words: "30 days (20 to 40), 5 stays"; for observers, "fewer than 3 stays"
    where that would single out an organisation's part."""
    if spread.stays == 0:
        return "–"
    if observer and suppressed(spread.stays):
        return f"{FEWER} stays"
    stays = f"{spread.stays} stay{'' if spread.stays == 1 else 's'}"
    if spread.lower == spread.upper:
        return f"{_days(spread.median)} days, {stays}"
    return f"{_days(spread.median)} days ({_days(spread.lower)} to {_days(spread.upper)}), {stays}"


def duration_rows(network, pooled, members, observer):
    """[(who, [text for each stage])]: the network first, then each member organisation."""
    rows = [
        (
            f"{network.name} (all shared parts)",
            [spread_text(pooled.network[n], observer) for n in range(1, 7)],
        )
    ]
    for member in members:
        mine = pooled.organisations.get(member.organisation_id, {})
        rows.append(
            (
                member.organisation.name,
                [spread_text(mine.get(n, spread([])), observer) for n in range(1, 7)],
            )
        )
    return rows


@require_GET
@login_required
def durations(request: HttpRequest, pk):
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    form = NetworkDateForm(request.GET)
    members = queries.members(network)
    pooled = _durations(network, members, form.on_date)
    context = _common(
        network,
        standing,
        form,
        rows=duration_rows(network, pooled, members, standing.is_observer),
        stage_names=stage_names(),
    )
    return respond(request, "networks/durations.html", context, partial="results")


def _fidelity_rows(models, observer):
    found = []
    for model in models:
        tally = model.tally()
        found.append(
            {
                "model": model,
                "tally": [
                    (
                        component,
                        [
                            (
                                FidelityState(s).label,
                                shown(tally[component.pk][s], observer=observer),
                            )
                            for s in FidelityState.values
                        ],
                    )
                    for component in model.core
                ],
                "adoptions": [
                    (
                        adopted.adoption,
                        [adopted.states.get(component.pk) for component in model.core],
                    )
                    for adopted in model.adoptions
                ],
                "adoption_count": shown(len(model.adoptions), observer=observer),
            }
        )
    return found


@require_GET
@login_required
def fidelity(request: HttpRequest, pk):
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    models = queries.fidelity(network)
    observer = standing.is_observer
    context = {
        "network": network,
        "standing": standing,
        "observer": observer,
        "models": _fidelity_rows(models, observer),
    }
    return respond(request, "networks/fidelity.html", context)


@require_GET
@login_required
def model(request: HttpRequest, pk, model_pk):
    shared_model, network, standing = get_shared_model_for(request, pk, model_pk)
    if shared_model.withdrawn_at is not None:
        raise Http404("No such page")
    form = NetworkDateForm(request.GET)
    members = queries.members(network)
    (model_fidelity,) = queries.fidelity(network, model=shared_model)
    found = _picture(network, members, form.on_date)
    parts = queries.model_parts(found, model_fidelity)
    observer = standing.is_observer
    organisations = _names(members)
    title = f"Parts of the innovations adopting {shared_model.name}, " + _when(
        form.on_date, form.today
    )
    manages = may_manage_model(standing, shared_model)
    subset = queries.Picture(found.on, found.innovations, parts)
    for part in parts:
        subset.counts[part.stage][part.state] += 1
    context = _common(
        network,
        standing,
        form,
        model=shared_model,
        row=_fidelity_rows([model_fidelity], observer)[0],
        wheel=network_wheel(subset, title, observer),
        numbered=[
            (number, part, stage_names()[part.stage], organisations.get(part.organisation_id))
            for number, part in enumerate(parts, start=1)
        ],
        total=shown(len(parts), observer=observer),
        # The publishing organisation's managers add components and withdraw it here.
        may_manage=manages,
        component_form=ComponentForm() if manages else None,
        # What an observer reads in place of the wheel on a narrow screen: the counts.
        stage_counts=[
            (number, name, *(shown(subset.counts[number][s], observer=True) for s in State.values))
            for number, name in stage_names().items()
        ],
    )
    return respond(request, "networks/model.html", context)


def transition_rows(moved, observer):
    """[(from, to, moves)]: how many moves went from each stage to each stage and state, in
    words ("Started" for a part's first move). For observers a count of 1 or 2 is "fewer than
    3": it would single out an organisation's part."""
    names = stage_names()
    states = {state: index for index, state in enumerate(State.values)}
    counted = {}
    for move in moved:
        key = (move.from_stage or 0, move.to_stage, states[move.to_state])
        counted[key] = counted.get(key, 0) + 1
    rows = []
    for (start, stage, state), count in sorted(counted.items()):
        rows.append(
            (
                f"{start}. {names[start]}" if start else "Started",
                f"{stage}. {names[stage]}, {State.labels[state].lower()}",
                shown(count, observer=observer),
            )
        )
    return rows


@require_GET
@login_required
def changes(request: HttpRequest, pk):
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    form = ChangesForm(request.GET)
    on, since = form.on_date, form.since_date
    moved = queries.moves_since(network, since, on)
    observer = standing.is_observer
    by_organisation = {}
    for move in moved:
        by_organisation[move.organisation] = by_organisation.get(move.organisation, 0) + 1
    context = _common(
        network,
        standing,
        form,
        since=since,
        moved=[] if observer else moved,
        by_organisation=[
            (name, shown(n, observer=observer)) for name, n in by_organisation.items()
        ],
        transitions=transition_rows(moved, observer),
        total=shown(len(moved), observer=observer),
        stage_names=stage_names(),
    )
    return respond(request, "networks/changes.html", context, partial="results")


# CSV files: the same reads as the pages, counts suppressed for observers alike.


def _csv(network, what, on, header, rows):
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="network-{network.pk}-{what}-{on.isoformat()}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def export_wheel(request: HttpRequest, pk):
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    form = NetworkDateForm(request.GET)
    on = form.on_date
    members = queries.members(network)
    names = stage_names()
    if standing.is_observer:
        header = ["Organisation", *(f"{n}. {name}" for n, name in names.items()), "Parts"]
        rows = [
            [name, *(count for count, _states in cells), total]
            for _pk, name, cells, total in organisation_rows(
                _counts(network, members, on), members, True
            )
        ]
        return _csv(network, "wheel", on, header, rows)
    found = _picture(network, members, on)
    organisations = _names(members)
    levels = {i.pk: ShareLevel(i.share_level).label for i in found.innovations}
    header = [
        "Organisation",
        "Innovation",
        "Shared",
        "Part",
        "Stage number",
        "Stage",
        "State",
        "Round",
        "Since",
    ]
    rows = [
        [
            organisations.get(p.organisation_id, ""),
            p.innovation,
            levels[p.innovation_id],
            p.name,
            p.stage,
            names[p.stage],
            State(p.state).label,
            p.cycle,
            p.since,
        ]
        for p in found.parts
    ]
    return _csv(network, "wheel", on, header, rows)


@require_GET
@login_required
def export_durations(request: HttpRequest, pk):
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    form = NetworkDateForm(request.GET)
    members = queries.members(network)
    pooled = _durations(network, members, form.on_date)
    observer = standing.is_observer
    header = [
        "Who",
        "Stage number",
        "Stage",
        "Completed stays",
        "Median days",
        "Lower quartile",
        "Upper quartile",
    ]
    rows = []
    for stage, name in stage_names().items():
        whose = [(network.name + " (the network)", pooled.network[stage])]
        whose += [
            (
                m.organisation.name,
                pooled.organisations.get(m.organisation_id, {}).get(stage, spread([])),
            )
            for m in members
        ]
        for who, figures in whose:
            if observer and suppressed(figures.stays):
                rows.append([who, stage, name, FEWER, None, None, None])
            else:
                rows.append([who, stage, name, *figures])
    return _csv(network, "durations", form.on_date, header, rows)


@require_GET
@login_required
def export_fidelity(request: HttpRequest, pk):
    network, standing = get_network_for(request, pk, NETWORK_VIEW)
    models = queries.fidelity(network)
    today = timezone.localdate()
    if standing.is_observer:
        header = ["Model", "Core component", *FidelityState.labels]
        rows = []
        for model in models:
            tally = model.tally()
            for component in model.core:
                rows.append(
                    [
                        model.model.name,
                        component.name,
                        *(
                            shown(tally[component.pk][s], observer=True)
                            for s in FidelityState.values
                        ),
                    ]
                )
        return _csv(network, "fidelity", today, header, rows)
    header = [
        "Model",
        "Organisation",
        "Innovation",
        "Core component",
        "State",
        "How and why",
        "Recorded on",
    ]
    rows = []
    for model in models:
        for adopted in model.adoptions:
            for component in model.core:
                answer = adopted.states.get(component.pk)
                rows.append(
                    [
                        model.model.name,
                        adopted.adoption.organisation.name,
                        adopted.adoption.innovation.title,
                        component.name,
                        answer.get_state_display() if answer else FidelityState.NOT_YET.label,
                        answer.how_why if answer else "",
                        timezone.localdate(answer.recorded_at) if answer else None,
                    ]
                )
    return _csv(network, "fidelity", today, header, rows)


# The public summary: anyone with the link, once the owner approved it.


@require_GET
def public_summary(request: HttpRequest, token):
    network = get_object_or_404(
        Network.objects.filter(summary_state=SummaryState.LIVE), summary_token=token
    )
    today = timezone.localdate()
    members = queries.members(network)
    found = _counts(network, members, today)
    pooled = _durations(network, members, today)
    labels = anonymous_labels(m.organisation_id for m in members)
    organisations = []
    for member in sorted(members, key=lambda m: labels[m.organisation_id]):
        counts = found.in_stages(member.organisation_id)
        organisations.append(
            (
                labels[member.organisation_id],
                [shown(counts[n], observer=True) for n in range(1, 7)],
                shown(sum(counts.values()), observer=True),
            )
        )
    names = stage_names()
    medians = [
        (stage, name, spread_text(pooled.network[stage], True)) for stage, name in names.items()
    ]
    models = [
        (m.model.name, shown(len(m.adoptions), observer=True)) for m in queries.fidelity(network)
    ]
    context = {
        "network": network,
        "wheel": aggregate_wheel_svg(
            found.counts,
            suppress=True,
            title=f"Shared parts of {network.name}'s organisations on the wheel today",
            id_prefix="summary-wheel",
        ),
        "organisations": organisations,
        "stage_names": names,
        "medians": medians,
        "models": models,
        "total": shown(found.total, observer=True),
        "member_count": len(members),
        "today": today,
    }
    response = respond(request, "networks/public_summary.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def since_default(today):
    return today - timedelta(days=91)
