"""The progress report PDF: clinicians and clinic administrators export it (audited); front desk is
refused; outsiders and patients are told it does not exist; each audience gets its own wording."""

from __future__ import annotations

from tests.integration.test_reports_helpers import ReportTestCase, make_episode, pdf_text

from needlepoint.audit.models import AuditEvent


class ProgressReportPdfTests(ReportTestCase):
    def exports(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action="export", object_id=str(self.episode.pk)))

    def test_a_clinician_gets_the_pdf_with_every_section(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.report_path("physician"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"%PDF")
        text = " ".join(pdf_text(response.content).split())
        for heading in ("Progress report", "Responder status", "Goals and plan", "Outcome measures", "Visits",
                        "Needling summary"):
            assert heading in text, heading
        assert "Pat Kowalski" in text and "NP-000001" in text and "12 April 1986" in text
        assert "Neck pain" in text and "M54.2" in text and "Cervicalgia" in text
        assert "3 of 6 planned" in text
        assert "Responder status: responder on Numeric Pain Rating Scale." in text
        assert "Responder rule:" in text
        # The chart is drawn in the PDF, its text as text.
        assert "within measurement error" in text and "meaningful improvement" in text
        assert "Ostelo" in text  # the thresholds are cited

    def test_the_export_is_audited_with_its_audience(self) -> None:
        self.login(self.ada)
        assert self.client.get(self.report_path("payer")).status_code == 200
        (row,) = self.exports()
        assert row.actor_id == self.ada.pk
        assert row.patient_id == str(self.pat_record.pk)
        assert row.after["document"] == "progress-report" and row.after["audience"] == "payer"

    def test_each_audience_has_its_own_wording(self) -> None:
        self.login(self.alice)
        patient = " ".join(pdf_text(self.client.get(self.report_path("patient")).content).split())
        assert "Your progress report" in patient
        assert "Your pain has improved by a meaningful amount." in patient
        assert "Overall: your pain has improved by a meaningful amount." in patient
        assert "Responder rule" not in patient
        payer = " ".join(pdf_text(self.client.get(self.report_path("payer")).content).split())
        assert "medical necessity" in payer
        assert "against an MCID of 2 points: clinically meaningful functional change" in payer
        assert "3 of 6 planned sessions done; 3 more planned" in payer
        physician = " ".join(pdf_text(self.client.get(self.report_path(None)).content).split())
        assert "For the referring physician" in physician  # the default audience

    def test_after_discharge_it_gives_the_date_reason_and_summary(self) -> None:
        from needlepoint.visits import services as visits
        from needlepoint.visits.models import Visit

        for draft in Visit.objects.filter(episode=self.episode, status=Visit.Status.DRAFT):
            visits.discard_visit(self.alice, draft.pk, draft.version)
        visits.close_episode(
            self.alice, self.episode.pk, reason="goals-met", summary="Back at work full days; stretches continue."
        )
        self.login(self.alice)
        text = " ".join(pdf_text(self.client.get(self.report_path("physician")).content).split())
        assert "after 3 of 6 planned sessions. Reason: goals met." in text
        assert "At discharge Back at work full days; stretches continue." in text

    def test_front_desk_is_refused_and_nothing_is_exported(self) -> None:
        self.login(self.fran)
        assert self.client.get(self.report_path()).status_code == 403
        assert self.exports() == []

    def test_outsiders_and_patients_are_told_it_does_not_exist(self) -> None:
        for user in (self.charlie, self.pat):
            self.login(user)
            assert self.client.get(self.report_path()).status_code == 404, user.username
        assert self.exports() == []

    def test_another_patients_id_in_the_path_is_not_found(self) -> None:
        self.login(self.alice)
        path = f"/patients/{self.olive.pk}/episodes/{self.episode.pk}/progress-report.pdf"
        assert self.client.get(path).status_code == 404
        other = make_episode(self.bruno, self.charlie)
        assert self.client.get(self.report_path(episode=other)).status_code == 404

    def test_signed_out_users_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.report_path())
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_an_unknown_audience_is_named_and_nothing_is_exported(self) -> None:
        self.login(self.alice)
        response = self.client.get(self.report_path("insurer"))
        assert response.status_code == 400
        assert "audience: one of: patient, physician, payer" in response.content.decode()
        assert self.exports() == []

    def test_only_get_is_allowed(self) -> None:
        self.login(self.alice)
        assert self.csrf_post(self.report_path(), {}, form_page="/").status_code == 405  # type: ignore[attr-defined]
        self.login(self.charlie)
        assert self.csrf_post(self.report_path(), {}, form_page="/").status_code == 404  # type: ignore[attr-defined]
