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
{{- $tag := .svc.image.tag | default .root.Values.global.imageTag | default .root.Chart.AppVersion -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .svc.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .svc.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Full name of the release's shared objects (Secret, ServiceAccount): the release name if it names the chart. */}}
{{- define "fleet.fullname" -}}
{{- $name := include "fleet.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The release's ServiceAccount. */}}
{{- define "fleet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fleet.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
What each consumer service scales on: one entry per consumer group it runs (read from the
service's code: the group is fleet.kafka.service for @KafkaListener containers, a Streams
application id otherwise, overridable by the env variable named in groupEnv) and the topics whose
lag that group works off.
*/}}
{{- define "fleet.consumers" -}}
orchestrator: [{ group: orchestrator, topics: [fleet.chat.requests.v1] }]
embedding-worker: [{ group: embedding-worker, topics: [fleet.embedding.requests.v1, fleet.items.v1] }]
scorer:
  - { group: scorer, topics: [fleet.score.requests.v1] }
  - { group: fleet-scorer-risk, groupEnv: FLEET_SCORER_RISK_APPLICATION_ID, topics: [fleet.transactions.v1] }
usage-metering: [{ group: fleet-usage-metering, groupEnv: FLEET_METERING_APPLICATION_ID, topics: [fleet.usage.v1] }]
audit: [{ group: audit, topics: [fleet.domain.events.v1] }]
{{- end -}}

{{/* The catalog's partitions of the topics a consumer service scales on (schemas' FleetTopics). */}}
{{- define "fleet.catalogPartitions" -}}
fleet.chat.requests.v1: 6
fleet.embedding.requests.v1: 6
fleet.items.v1: 6
fleet.score.requests.v1: 6
fleet.usage.v1: 6
fleet.domain.events.v1: 3
fleet.chat.replies.v1: 6
fleet.embedding.replies.v1: 6
fleet.score.replies.v1: 6
fleet.responses.lookup-results.v1: 6
fleet.audit.query-results.v1: 6
fleet.transactions.v1: 6
{{- end -}}

{{/*
The reply topics a requesting service's replicas share (one partition at least per replica, README
"replies reach the replica that asked"): a replica beyond their partitions stays not ready.
*/}}
{{- define "fleet.replyTopics" -}}
gateway: [fleet.chat.replies.v1, fleet.embedding.replies.v1, fleet.score.replies.v1, fleet.responses.lookup-results.v1]
orchestrator: [fleet.embedding.replies.v1, fleet.score.replies.v1, fleet.audit.query-results.v1]
{{- end -}}

{{/* Partitions of one topic: the values', else the catalog's. Call with (dict "root" $ "topic" $topic). */}}
{{- define "fleet.partitions" -}}
{{- $catalog := include "fleet.catalogPartitions" . | fromYaml -}}
{{- $values := .root.Values.global.kafka.topics.partitions -}}
{{- if hasKey $values .topic -}}
{{- index $values .topic -}}
{{- else -}}
{{- index $catalog .topic -}}
{{- end -}}
{{- end -}}

{{/* FLEET_KAFKA_TOPIC_PARTITIONS: topic=count,... in a stable order. */}}
{{- define "fleet.topicPartitions" -}}
{{- $parts := list -}}
{{- range $topic := keys .Values.global.kafka.topics.partitions | sortAlpha -}}
{{- $parts = append $parts (printf "%s=%v" $topic (index $.Values.global.kafka.topics.partitions $topic)) -}}
{{- end -}}
{{- join "," $parts -}}
{{- end -}}

{{/* Name of the Secret holding one credential. Call with (dict "root" $ "cfg" $block). */}}
{{- define "fleet.secretName" -}}
{{- if .cfg.existingSecret -}}
{{- .cfg.existingSecret -}}
{{- else -}}
{{- include "fleet.fullname" .root -}}
{{- end -}}
{{- end -}}

{{/* Whether the Kafka protocol uses SASL / TLS ("true" or ""). */}}
{{- define "fleet.kafkaSasl" -}}
{{- if hasPrefix "SASL_" .Values.global.kafka.security.protocol }}true{{ end -}}
{{- end -}}
{{- define "fleet.kafkaTls" -}}
{{- if has .Values.global.kafka.security.protocol (list "SSL" "SASL_SSL") }}true{{ end -}}
{{- end -}}

{{/* Refuses values that cannot work, before anything is rendered. */}}
{{- define "fleet.validate" -}}
{{- $topics := .Values.global.kafka.topics -}}
{{- if gt (int $topics.minInsyncReplicas) (int $topics.replicationFactor) -}}
{{- fail (printf "global.kafka.topics.minInsyncReplicas (%v) is above replicationFactor (%v): no write could succeed" $topics.minInsyncReplicas $topics.replicationFactor) -}}
{{- end -}}
{{- $sec := .Values.global.kafka.security -}}
{{- if and (include "fleet.kafkaSasl" .) (not $sec.sasl.username) -}}
{{- fail (printf "global.kafka.security.protocol %s needs sasl.username" $sec.protocol) -}}
{{- end -}}
{{- if and (include "fleet.kafkaSasl" .) (not $sec.sasl.password) (not $sec.sasl.existingSecret) -}}
{{- fail "global.kafka.security.sasl needs a password or an existingSecret" -}}
{{- end -}}
{{- $consumers := include "fleet.consumers" . | fromYaml -}}
{{- range $name, $groups := $consumers -}}
{{- $svc := index $.Values.services $name -}}
{{- if and $svc.enabled $svc.keda.enabled -}}
{{- $max := 0 -}}
{{- $topics := list -}}
{{- range $c := $groups -}}
{{- range $topic := $c.topics -}}
{{- $topics = append $topics $topic -}}
{{- $p := int (include "fleet.partitions" (dict "root" $ "topic" $topic)) -}}
{{- if gt $p $max }}{{ $max = $p }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if gt (int $svc.keda.maxReplicaCount) $max -}}
{{- fail (printf "services.%s.keda.maxReplicaCount (%v) exceeds the partitions of %s (%d): replicas beyond them would read nothing" $name $svc.keda.maxReplicaCount (join ", " $topics) $max) -}}
{{- end -}}
{{- if gt (int $svc.keda.minReplicaCount) (int $svc.keda.maxReplicaCount) -}}
{{- fail (printf "services.%s.keda.minReplicaCount is above maxReplicaCount" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $name, $topics := include "fleet.replyTopics" . | fromYaml -}}
{{- $svc := index $.Values.services $name -}}
{{- if $svc.enabled -}}
{{- $most := $svc.replicas -}}
{{- if and $svc.autoscaling $svc.autoscaling.enabled }}{{ $most = $svc.autoscaling.maxReplicas }}{{ end -}}
{{- if and $svc.keda $svc.keda.enabled }}{{ $most = $svc.keda.maxReplicaCount }}{{ end -}}
{{- range $topic := $topics -}}
{{- $p := int (include "fleet.partitions" (dict "root" $ "topic" $topic)) -}}
{{- if gt (int $most) $p -}}
{{- fail (printf "services.%s may run %v replicas, but %s has %d partitions: a replica beyond them receives no replies and stays not ready" $name $most $topic $p) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $gw := .Values.services.gateway -}}
{{- if and $gw.enabled $gw.autoscaling.enabled (gt (int $gw.autoscaling.minReplicas) (int $gw.autoscaling.maxReplicas)) -}}
{{- fail "services.gateway.autoscaling.minReplicas is above maxReplicas" -}}
{{- end -}}
{{- end -}}

{{/* Services with a PostgreSQL schema of their own (spring.r2dbc / spring.flyway in their application.yml). */}}
{{- define "fleet.usesPostgres" -}}
{{- if has .name (list "orchestrator" "audit") }}true{{ end -}}
{{- end -}}

{{/* Where a service's credentials come from, as env entries. Call with (dict "root" $ "name" $name "svc" $svc). */}}
{{- define "fleet.secretEnv" -}}
{{- $g := .root.Values.global -}}
{{- if and (include "fleet.usesPostgres" .) (or $g.postgres.password $g.postgres.existingSecret) }}
- name: FLEET_POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "fleet.secretName" (dict "root" .root "cfg" $g.postgres) | quote }}
      key: {{ ternary $g.postgres.existingSecretKey "postgres-password" (ne $g.postgres.existingSecret "") | quote }}
{{- end }}
{{- if or $g.adminToken.value $g.adminToken.existingSecret }}
- name: FLEET_ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "fleet.secretName" (dict "root" .root "cfg" $g.adminToken) | quote }}
      key: {{ ternary $g.adminToken.existingSecretKey "admin-token" (ne $g.adminToken.existingSecret "") | quote }}
{{- end }}
{{- $sasl := $g.kafka.security.sasl -}}
{{- if include "fleet.kafkaSasl" .root }}
- name: FLEET_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "fleet.secretName" (dict "root" .root "cfg" $sasl) | quote }}
      key: {{ ternary $sasl.existingSecretKey "kafka-sasl-password" (ne $sasl.existingSecret "") | quote }}
{{- end }}
{{- $tls := $g.kafka.security.tls -}}
{{- if and (include "fleet.kafkaTls" .root) $tls.truststoreSecret $tls.truststorePasswordKey }}
- name: FLEET_KAFKA_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $tls.truststoreSecret | quote }}
      key: {{ $tls.truststorePasswordKey | quote }}
{{- end }}
{{- range $env, $ref := .svc.secretEnv }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secret | quote }}
      key: {{ $ref.key | quote }}
{{- end }}
{{- end -}}

{{/* Labels of the release's shared objects. */}}
{{- define "fleet.releaseLabels" -}}
helm.sh/chart: {{ include "fleet.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Whether something other than the Deployment sets a service's replicas (HPA or KEDA): "true" or "". */}}
{{- define "fleet.autoscaled" -}}
{{- if or (and .svc.autoscaling .svc.autoscaling.enabled) (and .svc.keda .svc.keda.enabled) }}true{{ end -}}
{{- end -}}
