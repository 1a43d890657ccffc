"""What the web app stores: teachers, classes and their students, assignments (an exercise set) and their questions,
every submission a student made, every score a teacher overrode, a student's free-practice attempts, their role-play
sessions and every line they typed in them, and failed sign-ins (for the login limit). The schema itself is made by the
Alembic
migrations in ``migrations/``; a test checks that they and these models agree."""

from datetime import datetime, timezone
from typing import ClassVar

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUS_LABELS = {"pending": "评分中", "graded": "已评分", "failed": "待教师处理"}


def utcnow() -> datetime:
    """Stored times are UTC without a zone (SQLite keeps none); pages show them in local time."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Teacher(Base):
    __tablename__ = "teachers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Classroom(Base):
    __tablename__ = "classrooms"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    students: Mapped[list["Student"]] = relationship(back_populates="classroom", order_by="Student.number")
    assignments: Mapped[list["Assignment"]] = relationship(back_populates="classroom", order_by="Assignment.id")


class Student(Base):
    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("classroom_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id"))
    number: Mapped[str] = mapped_column(String(32))  # 学号
    name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: set on the next join (new, or reset)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    classroom: Mapped[Classroom] = relationship(back_populates="students")


class Assignment(Base):
    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    shop: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # the exercise type: reply / apology / rewrite / faq
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    classroom: Mapped[Classroom] = relationship(back_populates="assignments")
    questions: Mapped[list["Question"]] = relationship(back_populates="assignment", order_by="Question.no")


class Question(Base):
    """One exercise of the set, copied when the assignment is published, so later changes to the corpus do not
    change what the class was asked."""

    __tablename__ = "questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    no: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(Text)
    persona: Mapped[str] = mapped_column(Text)
    customer: Mapped[str] = mapped_column(Text)
    task: Mapped[str] = mapped_column(Text)
    rubric: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(Text)

    assignment: Mapped[Assignment] = relationship(back_populates="questions")

    @property
    def grading_scenario(self) -> str:
        """What the grader reads as the question: the customer's words (as `aigc-cs grade --scenario` is given)."""
        return self.customer or self.scenario


class Submission(Base):
    """A student's answer, committed before it is graded: `status` is pending until the grade (or the failure,
    then 待教师处理) is stored."""

    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_student_created", "student_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    total: Mapped[float | None] = mapped_column(Float)
    scale: Mapped[float | None] = mapped_column(Float)
    result: Mapped[str | None] = mapped_column(Text)  # the Grade as JSON
    error: Mapped[str | None] = mapped_column(Text)  # why grading failed, for the teacher only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    graded_at: Mapped[datetime | None]

    student: Mapped[Student] = relationship()
    question: Mapped[Question] = relationship()
    # loaded with the submissions in one query: every list of submissions shows their final scores
    overrides: Mapped[list["Override"]] = relationship(back_populates="submission", order_by="Override.id",
                                                       lazy="selectin")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def rubric(self) -> str:
        return self.question.rubric

    @property
    def shop(self) -> str:
        return self.question.assignment.shop

    @property
    def grading_scenario(self) -> str:
        return self.question.grading_scenario

    @property
    def override(self) -> "Override | None":
        return self.overrides[-1] if self.overrides else None

    @property
    def final(self) -> float | None:
        """The score that counts: the teacher's latest override, else the grader's total."""
        return self.override.score if self.override else self.total


class Override(Base):
    """A teacher's score for a submission, with the reason; never edited, so the table is the log."""

    __tablename__ = "overrides"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="overrides")
    teacher: Mapped[Teacher] = relationship()


class PracticeAttempt(Base):
    """A free-practice answer: an exercise of the shop's set the student picked (copied here, like a question),
    the answer, and its grade. Committed before it is graded, like a submission; no teacher overrides it."""

    __tablename__ = "practice_attempts"
    __table_args__ = (Index("ix_practice_student_created", "student_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    shop: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    exercise_no: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(Text)
    customer: Mapped[str] = mapped_column(Text)
    task: Mapped[str] = mapped_column(Text)
    rubric: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    total: Mapped[float | None] = mapped_column(Float)
    scale: Mapped[float | None] = mapped_column(Float)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    graded_at: Mapped[datetime | None]

    override = None  # a practice attempt is never overridden

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def grading_scenario(self) -> str:
        return self.customer or self.scenario

    @property
    def final(self) -> float | None:
        return self.total


class RolePlay(Base):
    """A role-play session (the tool plays the customer): the engine's state and the customer it started with, as
    JSON, which is everything it needs to go on in any worker after any restart (also after the shop's personas
    changed), and once the session is over its summary as JSON. `version` goes up with
    every change: two replies to the same state (two tabs, two workers) cannot both be taken."""

    __tablename__ = "roleplays"
    __table_args__ = (Index("ix_roleplays_student_created", "student_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    shop: Mapped[str] = mapped_column(String(64))
    persona: Mapped[str] = mapped_column(String(64))  # the persona's id
    persona_name: Mapped[str] = mapped_column(String(64))  # as it was at the start, for the lists
    type_name: Mapped[str] = mapped_column(String(32))
    exam: Mapped[bool] = mapped_column(Boolean)
    state: Mapped[str] = mapped_column(Text)  # practice.models.SessionState as JSON
    # practice.models.PersonaSnapshot as JSON: the customer as it was at the start (None in sessions from before 0004)
    persona_snapshot: Mapped[str | None] = mapped_column(Text)
    replies: Mapped[int] = mapped_column(default=0)  # the student's lines taken so far
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(16))  # deal / lost / review, once the customer decided
    summary: Mapped[str | None] = mapped_column(Text)  # practice.summary.PracticeSummary as JSON, made when it is over
    total: Mapped[float | None] = mapped_column(Float)  # the dialogue grade, with the summary
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student] = relationship()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}


class RolePlayReply(Base):
    """A line the student typed in a role-play, committed before the engine reads it: `taken` when it is in the
    session, `refused` (too long, too late) or `failed` (the engine broke) with the reason. So nothing typed is lost,
    and the limit on replies per minute is counted here, across server processes."""

    __tablename__ = "roleplay_replies"
    __table_args__ = (Index("ix_roleplay_replies_student_created", "student_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    roleplay_id: Mapped[int] = mapped_column(ForeignKey("roleplays.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """One failed sign-in: the account it named (e.g. student:DEMO26:1001) and the address it came from."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_account_created", "account", "created_at"),
                      Index("ix_login_failures_address_created", "address", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
