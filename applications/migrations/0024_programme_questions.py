"""What co-financing and collective-action calls asked by programme kind becomes each call's questions.

Until now the project step asked, by the programme's kind, the target markets and types of activity
(co-financing) or the group of SMEs served and the objectives (collective actions), stored in
columns of the application. Each existing call of those programmes now gets the same questions as
rows (programmes.Question, with the same codes and choice codes), in the four languages as
applicants saw them (the English of the form, the Spanish, Italian and Portuguese of the portal's
translations of those very strings), and each application's values are copied into Answer rows.

The migration only creates: a question or an answer already there is left as it is, so it can run
on a database where an agency already configured some of them. The rule that a call's questions are
frozen once a submission exists is the admin's and the services' (a change of what applicants were
asked); here nothing is changed, and the submitted content and its fingerprint are not touched.

The texts are written out here, not imported: a migration keeps the wording of the day it ran.
"""

from decimal import Decimal

from django.db import migrations

T = dict  # {"en": ..., "es": ..., "it": ..., "pt": ...}

MARKETS = T(en="Target markets", es="Mercados objetivo", it="Mercati di destinazione", pt="Mercados-alvo")
ACTIVITY_TYPES = T(en="Types of activity", es="Tipos de actividad", it="Tipologie di attività", pt="Tipos de atividade")
ACTIVITY_CHOICES = [
    ("b2b", T(en="B2B meetings", es="Encuentros B2B", it="Incontri B2B", pt="Reuniões B2B")),
    (
        "outgoing_mission",
        T(
            en="Outgoing missions",
            es="Misiones comerciales directas",
            it="Missioni all'estero (outgoing)",
            pt="Missões empresariais ao estrangeiro",
        ),
    ),
    (
        "incoming_mission",
        T(
            en="Incoming missions",
            es="Misiones comerciales inversas",
            it="Missioni di operatori esteri (incoming)",
            pt="Missões inversas",
        ),
    ),
    (
        "exhibition",
        T(
            en="Exhibitions and trade fairs",
            es="Exposiciones y ferias comerciales",
            it="Mostre e fiere",
            pt="Exposições e feiras comerciais",
        ),
    ),
    (
        "international_event",
        T(
            en="International events",
            es="Eventos internacionales",
            it="Eventi internazionali",
            pt="Eventos internacionais",
        ),
    ),
]
OBJECTIVES = T(
    en="Objectives of the action", es="Objetivos de la acción", it="Obiettivi dell'azione", pt="Objetivos da ação"
)
OBJECTIVE_CHOICES = [
    (
        "international_recognition",
        T(
            en="International recognition of the sector",
            es="Reconocimiento internacional del sector",
            it="Riconoscimento internazionale del settore",
            pt="Reconhecimento internacional do setor",
        ),
    ),
    (
        "market_research",
        T(en="Market research", es="Estudios de mercado", it="Ricerche di mercato", pt="Estudos de mercado"),
    ),
    (
        "cooperation",
        T(
            en="Cooperation between enterprises",
            es="Cooperación entre empresas",
            it="Cooperazione tra imprese",
            pt="Cooperação entre empresas",
        ),
    ),
]
SECTOR = T(
    en="Sector of the SMEs served",
    es="Sector de las pymes destinatarias",
    it="Settore delle PMI destinatarie",
    pt="Setor das PME destinatárias",
)
SECTOR_HELP = T(
    en="e.g. Alentejo wine producers.",
    es="p. ej., productores de vino del Alentejo.",
    it="ad es. produttori di vino dell'Alentejo.",
    pt="p. ex., produtores de vinho do Alentejo.",
)
REGION = T(
    en="Region of the SMEs served (NUTS 2)",
    es="Región de las pymes destinatarias (NUTS 2)",
    it="Regione delle PMI destinatarie (NUTS 2)",
    pt="Região das PME destinatárias (NUTS 2)",
)
REGION_HELP = T(
    en="NUTS 2 code, e.g. PT18 for Alentejo.",
    es="Código NUTS 2, p. ej., PT18 para el Alentejo.",
    it="Codice NUTS 2, ad es. PT18 per l'Alentejo.",
    pt="Código NUTS 2, p. ex., PT18 para o Alentejo.",
)
ESTIMATED = T(
    en="Estimated number of SMEs served",
    es="Número estimado de pymes destinatarias",
    it="Numero stimato di PMI destinatarie",
    pt="Número estimado de PME destinatárias",
)

# Programme kind -> its questions, in order: (code, kind, label, help text, choices, limits, column).
# `market` is the kind whose list is the portal's list of target markets: the same eight codes the
# applications stored, so the answers carry over as they are.
QUESTIONS = {
    "cofinancing": [
        ("markets", "market", MARKETS, None, None, {}, "codes"),
        ("activity_types", "multiple_choice", ACTIVITY_TYPES, None, ACTIVITY_CHOICES, {}, "codes"),
    ],
    "collective_actions": [
        ("sme_group_sector", "short_text", SECTOR, SECTOR_HELP, None, {"max_length": 200}, "text"),
        ("sme_group_region", "region", REGION, REGION_HELP, None, {}, "text"),
        (
            "estimated_smes",
            "number",
            ESTIMATED,
            None,
            None,
            {"min_value": Decimal("2"), "max_value": Decimal("1000000")},
            "number",
        ),
        ("objectives", "multiple_choice", OBJECTIVES, None, OBJECTIVE_CHOICES, {}, "codes"),
    ],
}


def _texts(name, texts):
    return {f"{name}_{language}": text for language, text in (texts or {}).items()}


def _answer_value(column, value):
    """The application's old value as the Answer column holds it; None when empty (no row)."""
    if column == "codes":
        codes = [str(code) for code in (value or [])]
        return codes or None
    if column == "number":
        return None if value is None else Decimal(value)
    return (value or "").strip() or None


def programme_questions_create(apps, schema_editor=None):
    """Create the questions of every co-financing and collective-action call, and copy the answers."""
    Call = apps.get_model("programmes", "Call")
    Question = apps.get_model("programmes", "Question")
    QuestionChoice = apps.get_model("programmes", "QuestionChoice")
    Application = apps.get_model("applications", "Application")
    Answer = apps.get_model("applications", "Answer")
    for call in Call.objects.filter(programme__kind__in=list(QUESTIONS)).select_related("programme").order_by("pk"):
        existing = {question.code: question for question in Question.objects.filter(call=call)}
        last = max((question.position for question in existing.values()), default=0)
        questions = []
        for code, kind, label, help_text, choices, limits, column in QUESTIONS[call.programme.kind]:
            question = existing.get(code)
            if question is None:
                last += 1
                question = Question.objects.create(
                    call=call,
                    position=last,
                    code=code,
                    kind=kind,
                    required=True,
                    **_texts("label", label),
                    **_texts("help_text", help_text),
                    **limits,
                )
                for position, (choice_code, choice_label) in enumerate(choices or [], start=1):
                    QuestionChoice.objects.create(
                        question=question, position=position, code=choice_code, **_texts("label", choice_label)
                    )
            elif question.kind != kind:
                continue  # the agency asks something else under this code: its answers are not these
            questions.append((question, code, column))
        answered = set(Answer.objects.filter(question__call=call).values_list("application_id", "question_id"))
        answers = []
        for application in Application.objects.filter(call=call).order_by("pk"):
            for question, code, column in questions:
                value = _answer_value(column, getattr(application, code))
                if value is None or (application.pk, question.pk) in answered:
                    continue
                answers.append(Answer(application=application, question=question, **{column: value}))
        Answer.objects.bulk_create(answers, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0023_attachment_document"),
        ("programmes", "0022_call_questions"),
    ]

    operations = [
        # Back: nothing to undo by force (the rows may have been answered since); the questions stay.
        migrations.RunPython(programme_questions_create, migrations.RunPython.noop),
    ]
