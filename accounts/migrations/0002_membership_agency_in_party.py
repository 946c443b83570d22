from django.db import migrations

# Django has no composite foreign keys yet; these keep a membership's agency in
# the membership's own party at the database level.
SQL = """
ALTER TABLE accounts_membership
    ADD CONSTRAINT membership_agency_in_party
    FOREIGN KEY (agency_id, party_id) REFERENCES accounts_agency (id, party_id);
"""
REVERSE = "ALTER TABLE accounts_membership DROP CONSTRAINT membership_agency_in_party;"


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
