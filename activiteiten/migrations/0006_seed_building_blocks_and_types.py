"""The building blocks of seed 003 (figure 1.1) and each activity type's building block and
target group, with the types the seed's tables name that were missing: sport and culture,
ouderkamer, celebrations, team training, and interventions without sessions (ouderkamer,
startgesprek, buddy system). Table 3.1 (the school team) falls under building block 2, table 5.1
(pupils) under 4, table 6.1 a and c (partnership, access and connection) under 5, b and d
(parents' skills, help against poverty and stress) under 6.

Frozen here rather than imported: a later edit of the app's constants must not change what
this migration did. An administrator may edit all of it in /beheer/ afterwards.
"""

from django.db import migrations

BUILDING_BLOCKS = [
    # (code, name), in the order of seed 003
    ("kansengelijkheid", "Gelijke kansen en inclusief onderwijs"),
    ("familieschoolcultuur", "Familieschoolcultuur: kinderen eerst"),
    ("samenwerken", "Kracht van samenwerken"),
    ("rijke_dag", "Rijke dag voor kind en jongere"),
    ("ouders_als_partner", "Ouders als partner"),
    ("perspectief_gezinnen", "Perspectief voor gezinnen"),
    ("randvoorwaarden", "Randvoorwaarden op orde"),
]
TYPES = [
    # (code, name, building block, target group, offered without sessions)
    ("koffieochtend", "Koffieochtend", "ouders_als_partner", "parents", False),
    ("themabijeenkomst", "Themabijeenkomst", "perspectief_gezinnen", "parents", False),
    ("taalles", "Taalles voor ouders", "perspectief_gezinnen", "parents", False),
    ("huiswerkklas", "Huiswerkklas", "rijke_dag", "children", False),
    ("vadergroep", "Vadergroep", "ouders_als_partner", "parents", False),
    ("verlengde_schooldag", "Verlengde schooldag module", "rijke_dag", "children", False),
    ("ouder_kind", "Ouder-kindactiviteit", "ouders_als_partner", "both", False),
    ("excursie", "Excursie", "rijke_dag", "children", False),
    ("cursus", "Cursus", "perspectief_gezinnen", "parents", False),
    ("sport_cultuur", "Sport en cultuur", "rijke_dag", "children", False),
    ("ouderkamer", "Ouderkamer", "ouders_als_partner", "parents", True),
    ("vieringen", "Vieringen en feesten", "ouders_als_partner", "both", False),
    ("startgesprek", "Startgesprek", "ouders_als_partner", "parents", True),
    ("buddysysteem", "Buddysysteem", "ouders_als_partner", "parents", True),
    ("teamtraining", "Training schoolteam", "familieschoolcultuur", "team", False),
    ("overig", "Overig", None, "parents", False),
]
NEW_TYPES = ["sport_cultuur", "ouderkamer", "vieringen", "startgesprek", "buddysysteem", "teamtraining"]


def add_defaults(apps, schema_editor):
    BuildingBlock = apps.get_model("activiteiten", "BuildingBlock")
    ActivityType = apps.get_model("activiteiten", "ActivityType")
    blocks = {}
    for order, (code, name) in enumerate(BUILDING_BLOCKS, start=1):
        blocks[code], _ = BuildingBlock.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    for order, (code, name, block, target_group, without_sessions) in enumerate(TYPES, start=1):
        # A type an administrator already made under that name (another code) is kept as is.
        found = (
            ActivityType.objects.filter(code=code).first()
            or ActivityType.objects.filter(name=name).first()
        )
        if found is None:
            found = ActivityType(code=code, name=name, sort_order=order)
        elif code == "overig" and found.sort_order <= len(TYPES):
            found.sort_order = 99  # "other" stays last now that types follow it
        found.building_block = blocks[block] if block else None
        found.target_group = target_group
        found.without_sessions = without_sessions
        found.save()


def remove_defaults(apps, schema_editor):
    BuildingBlock = apps.get_model("activiteiten", "BuildingBlock")
    ActivityType = apps.get_model("activiteiten", "ActivityType")
    ActivityType.objects.filter(code__in=NEW_TYPES, activities=None).delete()
    ActivityType.objects.update(building_block=None)
    BuildingBlock.objects.filter(code__in=[code for code, _ in BUILDING_BLOCKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("activiteiten", "0005_building_blocks_and_type_target_groups")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
