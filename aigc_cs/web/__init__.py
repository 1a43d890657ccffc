"""The classroom web app (`aigc-cs serve`): students answer assignments and get the rules grader's feedback at once;
teachers create classes, publish exercise sets, review submissions, override scores and export the results.

One module per job: ``settings`` (what the server reads from AIGC_CS_* and aigc-cs.toml), ``db`` and ``models``
(storage) with ``migrations`` (Alembic), ``security`` (passwords, the session key, CSRF tokens), ``auth`` (who is
asking, and the role checks), ``deps`` (what a route gets from the app), ``grader`` (the toolkit's context, once per
process), ``accounts`` (teachers and students), ``classes`` (classes and publishing), ``submissions`` (keep the text,
then grade it), ``feedback`` and ``highlight`` (a graded answer on a page), ``export`` (xlsx), ``demo`` (the demo
class), ``pages`` (templates and error pages), and the routes by audience: ``public``, ``student``, ``teacher``.
``app.create_app`` puts them together.
"""
