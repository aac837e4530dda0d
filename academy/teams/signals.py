"""Plans follow team changes: a profile remembers the leader it was loaded with."""


def remember_leader(sender, instance, **kwargs):
    instance._loaded_team_leader_id = instance.team_leader_id


def leader_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created and not instance.team_leader_id:
        instance._loaded_team_leader_id = None
        return
    if created or instance.team_leader_id != getattr(instance, "_loaded_team_leader_id", None):
        from academy.teams.services import on_team_change

        instance._loaded_team_leader_id = instance.team_leader_id
        on_team_change(instance)


def connect():
    from django.db.models.signals import post_init, post_save

    from academy.models import ShopkeeperProfile

    post_init.connect(remember_leader, sender=ShopkeeperProfile, dispatch_uid="teams_remember")
    post_save.connect(leader_changed, sender=ShopkeeperProfile, dispatch_uid="teams_leader")
