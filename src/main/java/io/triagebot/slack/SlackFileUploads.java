package io.triagebot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackFilesUploadV2Exception;
import com.slack.api.methods.request.files.FilesUploadV2Request;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binary files into a thread through Slack's external upload flow: files.getUploadURLExternal for each
 * file, its bytes POSTed to the returned upload_url, then one files.completeUploadExternal with the
 * channel and thread. Passing failures (HTTP 429 and 5xx, network errors, Slack's transient errors) are
 * retried with the poster's backoff; a final refusal ({@code not_in_channel}, {@code invalid_arguments})
 * is not.
 */
final class SlackFileUploads {

    private static final Logger LOG = LoggerFactory.getLogger(SlackFileUploads.class);
    private static final String METHOD = "files.completeUploadExternal";

    /** A file to upload; the title is plain text that Slack shows as it is. */
    record File(String filename, String title, byte[] content) {
    }

    /** Slack's limit on a file title; longer ones are clipped. */
    static final int MAX_TITLE = 250;

    private final MethodsClient methods;
    private final RetryPolicy policy;

    SlackFileUploads(MethodsClient methods, RetryPolicy policy) {
        this.methods = methods;
        this.policy = policy;
    }

    void upload(String channel, String threadTs, List<File> files) throws SlackDeliveryException {
        List<FilesUploadV2Request.UploadFile> uploads = files.stream().map(f -> FilesUploadV2Request.UploadFile.builder()
                .filename(safeName(f.filename())).title(SlackLimits.clip(printable(f.title()), MAX_TITLE))
                .fileData(f.content()).build()).toList();
        for (int attempt = 1; ; attempt++) {
            String why;
            try {
                var r = methods.filesUploadV2(req -> req.channel(channel).threadTs(threadTs).uploadFiles(uploads)
                        .requestFileInfo(false));
                if (r.isOk()) {
                    return;
                }
                if (SlackErrors.kindOf(r.getError()) != SlackDeliveryException.Kind.TRANSIENT) {
                    throw new SlackDeliveryException(METHOD, r.getError(), null);
                }
                why = r.getError();
            } catch (SlackFilesUploadV2Exception e) {
                // The SDK reports a refused step this way: its own response says whether it is final.
                String error = e.getGetURLResponses() == null ? null : e.getGetURLResponses().stream()
                        .filter(x -> !x.isOk()).map(x -> x.getError()).findFirst().orElse(null);
                if (error == null && e.getCompleteResponse() != null && !e.getCompleteResponse().isOk()) {
                    error = e.getCompleteResponse().getError();
                }
                if (error != null && SlackErrors.kindOf(error) != SlackDeliveryException.Kind.TRANSIENT) {
                    throw new SlackDeliveryException(METHOD, error, e);
                }
                why = error != null ? error : e.toString();
            } catch (SlackApiException e) {
                int status = e.getResponse().code();
                if (status != 429 && status < 500) {
                    String code = e.getError() == null ? null : e.getError().getError();
                    throw new SlackDeliveryException(METHOD, "HTTP " + status + (code == null ? "" : " " + code),
                            SlackDeliveryException.Kind.PERMANENT, false, e);
                }
                why = "HTTP " + status;
            } catch (IOException e) {
                why = e.toString();
            }
            if (attempt >= policy.maxAttempts()) {
                throw new SlackDeliveryException(METHOD, "gave up after " + attempt + " attempts, last: " + why,
                        SlackDeliveryException.Kind.TRANSIENT, true, null);
            }
            LOG.warn("file upload attempt {} failed ({}); retrying", attempt, why);
            try {
                Thread.sleep(policy.backoff(attempt).toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new SlackDeliveryException(METHOD, "interrupted while retrying",
                        SlackDeliveryException.Kind.TRANSIENT, true, ie);
            }
        }
    }

    /** A file name of safe characters: the deep dive builds it from the host name. */
    static String safeName(String name) {
        String n = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return n.length() > 120 ? n.substring(n.length() - 120) : n;
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", " ");
    }
}
