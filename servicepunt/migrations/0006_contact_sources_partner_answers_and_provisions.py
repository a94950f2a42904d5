"""Who brought the family, which partner answered at the inloop, and provisions."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('familieschool', '0009_pupils_per_group'),
        ('servicepunt', '0005_referral_partner_school_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ContactSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=30, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'source of a contact',
                'verbose_name_plural': 'sources of contacts',
                'ordering': ['sort_order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='ProvisionKind',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=30, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
            ],
            options={
                'verbose_name': 'kind of provision',
                'verbose_name_plural': 'kinds of provisions',
                'ordering': ['sort_order', 'name'],
            },
        ),
        migrations.AddField(
            model_name='contact',
            name='answered_by_partner',
            field=models.ForeignKey(blank=True, help_text='Set when partner staff answered the question at the inloop.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='answered_contacts', to='familieschool.partnerorganisation', verbose_name='answered by partner'),
        ),
        migrations.AddField(
            model_name='contact',
            name='source',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='servicepunt.contactsource', verbose_name='referred to us by'),
        ),
        migrations.CreateModel(
            name='Provision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('aangevraagd', 'Applied for'), ('toegekend', 'Granted'), ('afgewezen', 'Refused'), ('verstrekt', 'Provided')], default='aangevraagd', max_length=12, verbose_name='status')),
                ('occurred_on', models.DateField(db_index=True, default=django.utils.timezone.localdate, verbose_name='date')),
                ('status_changed_on', models.DateField(blank=True, null=True, verbose_name='status changed on')),
                ('provided_by', models.CharField(blank=True, help_text='The organisation or fund that provides it, e.g. the food bank.', max_length=100, verbose_name='by whom')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='short note')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registered at')),
                ('import_key', models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True)),
                ('child', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='provisions', to='familieschool.child', verbose_name='for child')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='provisions', to='servicepunt.contact', verbose_name='registered at contact')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by')),
                ('family', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='provisions', to='familieschool.family', verbose_name='family')),
                ('referral', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='provisions', to='servicepunt.referral', verbose_name='through referral')),
                ('kind', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='provisions', to='servicepunt.provisionkind', verbose_name='kind')),
            ],
            options={
                'verbose_name': 'provision',
                'verbose_name_plural': 'provisions',
                'ordering': ['-occurred_on', '-id'],
            },
        ),
    ]
