package io.triagebot.incident;

import io.triagebot.analysis.Report;
import io.triagebot.probe.TargetException;
import java.util.List;

/**
 * Turns incident happenings into messages for the chat the incident lives in. The Slack adapter
 * implements it; the incident core only stores what it returns.
 */
public interface IncidentPresenter {

    OutgoingMessage anchorCollecting(Incident incident);

    OutgoingMessage anchorDone(Incident incident, Report report);

    OutgoingMessage anchorFailed(Incident incident, TargetException.Kind kind, String message);

    OutgoingMessage anchorResolved(Incident incident);

    /** The severity-first summary, as one or more thread replies. */
    List<OutgoingMessage> summary(Incident incident, Report report);

    OutgoingMessage failure(Incident incident, TargetException.Kind kind, String message);

    OutgoingMessage recall(Incident incident, List<Recollection> past);

    OutgoingMessage note(Incident incident, String user, String text);

    OutgoingMessage resolved(Incident incident, String user, String note);

    OutgoingMessage interrupted(Incident incident);

    /** The postmortem, uploaded as a file into the thread. */
    OutgoingMessage timelineFile(Incident incident, String markdown);
}
