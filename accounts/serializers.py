from rest_framework import serializers

from .models import Membership, Party, User


class PartyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "code", "name", "short_name"]


class UserRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class MembershipSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["party", "role", "role_label", "agency"]


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    memberships = MembershipSerializer(many=True, read_only=True)
    is_administrator = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "memberships", "is_administrator"]
