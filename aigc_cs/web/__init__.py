"""The classroom web app (`aigc-cs serve`): students answer assignments and free-practice exercises and get the rules
grader's feedback at once, and role-play a shop's customer service with the tool playing the customer; teachers create
classes, publish exercise sets, review submissions and role-play sessions, override scores, read the class report,
print feedback slips, upload shops and export the results.

One module per job: ``settings`` (what the server reads from AIGC_CS_* and aigc-cs.toml), ``db`` and ``models``
(storage) with ``migrations`` (Alembic), ``security`` (passwords, the session key, CSRF tokens), ``auth`` (who is
asking, and the role checks), ``logins`` (the limit on failed sign-ins), ``owned`` (what a teacher may open), ``deps``
(what a route gets from the app), ``grader`` (the toolkit's context, once per process, on the newest index),
``accounts`` (teachers and students), ``classes`` (classes and publishing), ``submissions`` (keep the text, then grade
it), ``feedback`` and ``highlight`` (a graded answer on a page), ``roleplays`` and ``roleplay_view`` (role-play
sessions kept in the database, and on a page), ``charts`` (a student's progress), ``report`` (a class's statistics),
``slips`` (feedback slips), ``export`` (xlsx, docx and md downloads), ``uploads`` (a shop's .zip) and
``shop_personas`` (its role-play customers), ``demo`` (the demo class), ``pages`` (templates and error pages), and the
routes by audience: ``public``, ``student``, ``practice`` and ``student_roleplay``, ``teacher``, ``teacher_reports``
and ``teacher_shops``. ``app.create_app`` puts them together.
"""
