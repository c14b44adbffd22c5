"""The demo calls' own questions: what the co-financing and collective-action calls ask, and the answers.

What those programmes asked by kind is configuration now (programmes.Question): every demo call of
them asks the questions migration 0023 gave the calls that existed, in the four languages as
applicants saw them, and each demo application of those calls answers them with the values
data.py gives (`PROGRAMME_FIELDS`). Only what is missing is written, so a second run adds nothing
and a question an agency changed in the admin is kept.
"""

from decimal import Decimal

from django.db.models import Max

from applications.demo import data as demo_data
from applications.models import Answer
from programmes.models import Call, Question, QuestionChoice

# (code, English, Spanish, Italian, Portuguese)
Texts = tuple[str, str, str, str, str]

ACTIVITY_TYPES: list[Texts] = [
    ("b2b", "B2B meetings", "Encuentros B2B", "Incontri B2B", "Reuniões B2B"),
    (
        "outgoing_mission",
        "Outgoing missions",
        "Misiones comerciales directas",
        "Missioni all'estero (outgoing)",
        "Missões empresariais ao estrangeiro",
    ),
    (
        "incoming_mission",
        "Incoming missions",
        "Misiones comerciales inversas",
        "Missioni di operatori esteri (incoming)",
        "Missões inversas",
    ),
    (
        "exhibition",
        "Exhibitions and trade fairs",
        "Exposiciones y ferias comerciales",
        "Mostre e fiere",
        "Exposições e feiras comerciais",
    ),
    (
        "international_event",
        "International events",
        "Eventos internacionales",
        "Eventi internazionali",
        "Eventos internacionais",
    ),
]
OBJECTIVES: list[Texts] = [
    (
        "international_recognition",
        "International recognition of the sector",
        "Reconocimiento internacional del sector",
        "Riconoscimento internazionale del settore",
        "Reconhecimento internacional do setor",
    ),
    ("market_research", "Market research", "Estudios de mercado", "Ricerche di mercato", "Estudos de mercado"),
    (
        "cooperation",
        "Cooperation between enterprises",
        "Cooperación entre empresas",
        "Cooperazione tra imprese",
        "Cooperação entre empresas",
    ),
]

# Programme kind -> its questions: (label texts, kind, help texts, choices, limits, Answer column).
QUESTIONS = {
    "cofinancing": [
        (("markets", "Target markets", "Mercados objetivo", "Mercati di destinazione", "Mercados-alvo"), "market",
         None, None, {}, "codes"),
        (("activity_types", "Types of activity", "Tipos de actividad", "Tipologie di attività", "Tipos de atividade"),
         "multiple_choice", None, ACTIVITY_TYPES, {}, "codes"),
    ],
    "collective_actions": [
        (
            ("sme_group_sector", "Sector of the SMEs served", "Sector de las pymes destinatarias",
             "Settore delle PMI destinatarie", "Setor das PME destinatárias"),
            "short_text",
            ("", "e.g. Alentejo wine producers.", "p. ej., productores de vino del Alentejo.",
             "ad es. produttori di vino dell'Alentejo.", "p. ex., produtores de vinho do Alentejo."),
            None,
            {"max_length": 200},
            "text",
        ),
        (
            ("sme_group_region", "Region of the SMEs served (NUTS 2)", "Región de las pymes destinatarias (NUTS 2)",
             "Regione delle PMI destinatarie (NUTS 2)", "Região das PME destinatárias (NUTS 2)"),
            "region",
            ("", "NUTS 2 code, e.g. PT18 for Alentejo.", "Código NUTS 2, p. ej., PT18 para el Alentejo.",
             "Codice NUTS 2, ad es. PT18 per l'Alentejo.", "Código NUTS 2, p. ex., PT18 para o Alentejo."),
            None,
            {},
            "text",
        ),
        (
            ("estimated_smes", "Estimated number of SMEs served", "Número estimado de pymes destinatarias",
             "Numero stimato di PMI destinatarie", "Número estimado de PME destinatárias"),
            "number",
            None,
            None,
            {"min_value": Decimal("2"), "max_value": Decimal("1000000")},
            "number",
        ),
        (
            ("objectives", "Objectives of the action", "Objetivos de la acción", "Obiettivi dell'azione",
             "Objetivos da ação"),
            "multiple_choice",
            None,
            OBJECTIVES,
            {},
            "codes",
        ),
    ],
}  # fmt: skip
LANGUAGES = ("en", "es", "it", "pt")


def _columns(name: str, texts) -> dict[str, str]:
    return {f"{name}_{language}": text for language, text in zip(LANGUAGES, texts[1:], strict=True)} if texts else {}


def demo_questions_load() -> None:
    """The questions of the demo's co-financing and collective-action calls (those missing).

    Run before the demo's applications are submitted: a call's questions are frozen by its first
    submission (programmes.models.questions).
    """
    demo_agencies = [row["slug"] for row in demo_data.AGENCIES]
    calls = Call.objects.filter(programme__agency__slug__in=demo_agencies, programme__kind__in=list(QUESTIONS))
    for call in calls.select_related("programme").order_by("pk"):
        kind = call.programme.kind
        questions = {question.code: question for question in call.questions.all()}
        if all(texts[0] in questions for texts, *_rest in QUESTIONS[kind]):
            continue
        last = call.questions.aggregate(last=Max("position"))["last"] or 0
        for texts, question_kind, help_texts, choices, limits, _column in QUESTIONS[kind]:
            code = texts[0]
            if code in questions:
                continue
            last += 1
            questions[code] = question = Question.objects.create(
                call=call,
                position=last,
                code=code,
                kind=question_kind,
                required=True,
                **_columns("label", texts),
                **_columns("help_text", help_texts),
                **limits,
            )
            for position, choice in enumerate(choices or [], start=1):
                QuestionChoice.objects.create(
                    question=question, position=position, code=choice[0], **_columns("label", choice)
                )


def demo_answers_write(application) -> None:
    """A demo application's answers to its call's questions (the values data.py gives its programme)."""
    kind = application.call.programme.kind
    if kind not in QUESTIONS:
        return
    values = demo_data.PROGRAMME_FIELDS.get(kind, {})
    questions = {question.code: question for question in application.call.questions.all()}
    for texts, question_kind, _help, _choices, _limits, column in QUESTIONS[kind]:
        code = texts[0]
        question = questions.get(code)
        if code in values and question is not None and question.kind == question_kind:
            value = Decimal(values[code]) if column == "number" else values[code]
            Answer.objects.get_or_create(application=application, question=question, defaults={column: value})
