{{/* Chart name, truncated to the DNS label limit. */}}
{{- define "fleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* chart label value: name-version */}}
{{- define "fleet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name of one service's objects. Call with (dict "root" $ "name" $name). */}}
{{- define "fleet.serviceFullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels common to every object. Call with (dict "root" $ "name" $name). */}}
{{- define "fleet.labels" -}}
helm.sh/chart: {{ include "fleet.chart" .root }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ include "fleet.name" .root }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "fleet.selectorLabels" . }}
{{- end -}}

{{/* Selector labels of one service. Call with (dict "root" $ "name" $name). */}}
{{- define "fleet.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Image reference of one service. Call with (dict "root" $ "svc" $svc). */}}
{{- define "fleet.image" -}}
{{- $registry := .root.Values.global.imageRegistry -}}
{{- $tag := default .root.Chart.AppVersion .svc.image.tag -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .svc.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .svc.image.repository $tag -}}
{{- end -}}
{{- end -}}
