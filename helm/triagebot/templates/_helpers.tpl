{{/* Names truncated to 63 characters: the limit of a DNS label, which most Kubernetes names are. */}}
{{- define "triagebot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "triagebot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "triagebot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "triagebot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "triagebot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "triagebot.labels" -}}
helm.sh/chart: {{ include "triagebot.chart" . }}
{{ include "triagebot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "triagebot.slackSecret" -}}
{{- .Values.slack.existingSecret | default (printf "%s-slack" (include "triagebot.fullname" .)) }}
{{- end }}

{{- define "triagebot.sshSecret" -}}
{{- .Values.ssh.existingSecret | default (printf "%s-ssh" (include "triagebot.fullname" .)) }}
{{- end }}

{{/* PostgreSQL is in use when database.url says so; anything else means the embedded H2 file. */}}
{{- define "triagebot.postgres" -}}
{{- if hasPrefix "jdbc:postgresql:" .Values.database.url }}true{{ end }}
{{- end }}

{{/*
Refuses setups that would corrupt or lose data rather than letting them reach the cluster: two pods
opening one H2 file, or pods each with a private H2 that Slack's requests would be spread across.
*/}}
{{- define "triagebot.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not (include "triagebot.postgres" .)) }}
{{- fail (printf "replicaCount=%d needs PostgreSQL: set database.url (jdbc:postgresql://...); the embedded H2 database belongs to one pod" (int .Values.replicaCount)) }}
{{- end }}
{{- if eq (int .Values.ops.port) (int .Values.slack.httpPort) }}
{{- fail (printf "ops.port=%d equals slack.httpPort: health and metrics need a port of their own" (int .Values.ops.port)) }}
{{- end }}
{{- end }}

{{/* The image reference: repository:tag, with @digest when one is given (pinned; the tag is then only a label). */}}
{{- define "triagebot.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "triagebot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "triagebot.fullname" .) }}
{{- else }}
{{- .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Label matchers for the bot's series in alert rules: by default what the ServiceMonitor produces. */}}
{{- define "triagebot.seriesSelector" -}}
{{- .Values.metrics.prometheusRule.selector | default (printf "job=%q,namespace=%q" (include "triagebot.fullname" .) .Release.Namespace) }}
{{- end }}
