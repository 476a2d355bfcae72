"""Dossier models, split by concern: process configuration, dossiers and their audit, codes and settings."""

from tenants.dossiers.models.codes import CodeCounter, CodeSettings, OfficeSettings
from tenants.dossiers.models.dossier import Dossier, DossierAlert, DossierEvent, DossierFile, DossierNameKey
from tenants.dossiers.models.process import ProcessStep, ProcessVersion
from tenants.dossiers.states import Action, Status

__all__ = [
    "Action",
    "CodeCounter",
    "CodeSettings",
    "Dossier",
    "DossierAlert",
    "DossierEvent",
    "DossierFile",
    "DossierNameKey",
    "OfficeSettings",
    "ProcessStep",
    "ProcessVersion",
    "Status",
]
