"""Coordinator pages: the start page and refugee families (list, create, view, edit).

The children's pages (add, edit, delete) live in `children.py`, the CSV import and export in
`transfer.py`; both add their routes to this blueprint.
"""

import uuid
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_security import current_user
from sqlalchemy import select

from matcher.coordinators.forms import ChildForm, FamilyForm, filters_from_args
from matcher.extensions import db
from matcher.models import Category, Family, Language
from matcher.services import audit, families, family_list, figures
from matcher.services.errors import StaleEdit
from matcher.web.access import coordinators, get_scoped_or_404
from matcher.web.i18n import current_language
from matcher.web.paging import page_arg

bp = Blueprint("coordinators", __name__, url_prefix="/coordinator")

PER_PAGE = 50


def stale_message() -> str:
    """Return the message shown when a save is refused because someone saved first."""
    return _(
        "Someone else changed this family while you were editing it. Nothing was saved. Reload "
        "the page to see their changes, then make yours again."
    )


def family_form(record: Family | None = None) -> FamilyForm:
    """Build the family form (from the request on POST) with its choices filled."""
    if request.method == "POST" or record is None:
        form = FamilyForm()
    else:
        form = FamilyForm.for_record(record)
    lang = current_language()
    languages = sorted(db.session.scalars(select(Language)), key=lambda x: x.name(lang).lower())
    coordinators_ = families.coordinators_of(current_user.municipality_id)
    if record is not None:
        # Someone who has since left the coordinator role stays choosable on their own families,
        # so editing another field does not fail on them.
        for person in (record.coordinator, record.backup_coordinator):
            if person is not None and person not in coordinators_:
                coordinators_.append(person)
    form.set_choices(languages, coordinators_, current_language())
    return form


def child_form(prefix: str, child=None) -> ChildForm:
    """Build a child form (from the request on POST) with the activity categories as wishes."""
    if child is not None and request.method != "POST":
        form = ChildForm.for_record(child, prefix)
    else:
        form = ChildForm(prefix=prefix)
    lang = current_language()  # listed in the reader's alphabetical order
    categories = sorted(db.session.scalars(select(Category)), key=lambda c: c.name(lang).lower())
    form.set_choices(categories, lang)
    return form


@bp.get("/")
@coordinators
def start():
    """Show the coordinator's start page: their own families and what waits for them."""
    from matcher.services.rounds import waiting_for_coordinator

    own = families.own_families(current_user)
    undecided, undecided_rounds = waiting_for_coordinator(
        current_user.municipality_id, current_user.id
    )
    return render_template(
        "coordinators/start.html",
        figures=figures.overview(current_user.municipality_id),
        own=own,
        stats=families.stats_for([f.id for f in own]),
        due=families.status_due_soon(own),
        waiting=families.waiting_count(current_user.municipality_id, current_user.id),
        undecided=undecided,
        undecided_rounds=undecided_rounds,
    )


@bp.get("/families/")
@coordinators
def index():
    """List the municipality's families with search and filters, the user's own first."""
    filters = filters_from_args(request.args)
    page = family_list.page_of(
        current_user.municipality_id,
        current_user.id,
        filters,
        page_arg(),
        PER_PAGE,
    )
    return render_template(
        "coordinators/index.html",
        page=page,
        stats=families.stats_for([f.id for f in page.items]),
        filters=filters,
        coordinators=family_list.coordinator_choices(current_user.municipality_id),
        args={k: v for k, v in request.args.items() if k != "page" and v},
    )


@bp.route("/families/new", methods=["GET", "POST"])
@coordinators
def new():
    """Register a new family; a double submission stores it once."""
    form = family_form()
    if request.method == "GET":
        form.token.data = uuid.uuid4().hex
        form.coordinator_id.data = current_user.id
    if form.validate_on_submit():
        try:
            family, created = families.create(
                current_user.municipality_id,
                form.to_data(),
                current_user,
                form.token.data or uuid.uuid4().hex,
            )
        except families.DuplicateReference:
            db.session.rollback()
            form.reference.errors.append(_("Another family already has this reference."))
            return render_template("coordinators/edit.html", form=form, family=None), 400
        if created:
            flash(_("The family is registered. Add the children below."), "success")
        return redirect(url_for("coordinators.show", family_id=family.id))
    code = 400 if request.method == "POST" else 200
    return render_template("coordinators/edit.html", form=form, family=None), code


@bp.get("/families/<int:family_id>")
@coordinators
def show(family_id: int):
    """Show a family: details, integration period, next status, children, and history.

    `?edit=<child id>` opens that child's form inline in its card, `?add=1` the add-child
    form under the children; everything else shows the children read-only.
    """
    family = get_scoped_or_404(Family, family_id)
    audit.record("view", family)
    edit = None
    if (child_id := request.args.get("edit", type=int)) is not None:
        child = next((c for c in family.children if c.id == child_id), None)
        if child is None:
            abort(404)
        audit.record("view", child, page="edit")  # the form shows the child's record
        edit = (child, child_form(f"c{child.id}", child))
    add = new_child_form() if request.args.get("add") else None
    page = render_show(family, add=add, edit=edit)
    # Stored after rendering (and before the page is sent): committing first would expire
    # every loaded record and load the family, its children and the user again.
    audit.commit_pending()
    return page


def render_show(
    family: Family,
    add: ChildForm | None = None,
    edit: tuple | None = None,
    code: int = 200,
):
    """Render a family's page; children are added and edited inline on it.

    Children are shown read-only, each with an *Edit* link that opens its form in place
    (`edit`: the child and its form, also a form that failed); the add-child form opens the
    same way (`add`), and is always open for a family without children. Building and
    rendering a child's form costs about 10 ms, so the page renders at most one.
    """
    if add is None and edit is None and not family.children:
        add = new_child_form()
    languages = {
        lang.code: lang.name(current_language())
        for lang in db.session.scalars(
            select(Language).where(Language.code.in_(family.languages or []))
        )
    }
    categories = {c.code: c.name(current_language()) for c in db.session.scalars(select(Category))}
    return render_template(
        "coordinators/show.html",
        family=family,
        add_form=add,
        edit_child=edit[0] if edit else None,
        edit_form=edit[1] if edit else None,
        activities=families.current_activities(family.children),
        history=families.history(family),
        languages=languages,
        categories=categories,
        today=date.today(),
    ), code


def new_child_form() -> ChildForm:
    """Build an empty add-child form with a fresh one-time token."""
    form = child_form("new")
    form.token.data = uuid.uuid4().hex
    return form


@bp.route("/families/<int:family_id>/edit", methods=["GET", "POST"])
@coordinators
def edit(family_id: int):
    """Edit a family's details; a save on an outdated version is refused (409)."""
    family = get_scoped_or_404(Family, family_id)
    form = family_form(family)
    if form.validate_on_submit():
        try:
            families.update(family, form.to_data(), form.version.data or -1, current_user)
        except StaleEdit:
            db.session.rollback()
            flash(stale_message(), "danger")
            return render_template("coordinators/edit.html", form=form, family=family), 409
        except families.DuplicateReference:
            db.session.rollback()
            form.reference.errors.append(_("Another family already has this reference."))
            return render_template("coordinators/edit.html", form=form, family=family), 400
        flash(_("The family is saved."), "success")
        return redirect(url_for("coordinators.show", family_id=family.id))
    if request.method == "GET":  # the form shows the record, so opening it is a view
        audit.record("view", family, page="edit")
        audit.commit_pending()
    code = 400 if request.method == "POST" else 200
    return render_template("coordinators/edit.html", form=form, family=family), code


from matcher.coordinators import children, transfer  # noqa: E402,F401  (they add routes to bp)
