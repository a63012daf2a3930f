{{/*
Names. Every helper is namespaced "boxoffice.*" so the chart can be used as a subchart.
*/}}
{{- define "boxoffice.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name of the booking nodes: the StatefulSet, its pods (<fullname>-0 ...) and the client Service.
Kept to 52 characters so "<fullname>-headless" and the pod names stay valid DNS labels.
*/}}
{{- define "boxoffice.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "boxoffice.headlessName" -}}
{{- printf "%s-headless" (include "boxoffice.fullname" .) -}}
{{- end -}}

{{- define "boxoffice.llm.fullname" -}}
{{- printf "%s-llm" (include "boxoffice.fullname" .) -}}
{{- end -}}

{{- define "boxoffice.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "boxoffice.labels" -}}
helm.sh/chart: {{ include "boxoffice.chart" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: boxoffice
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of the booking nodes. */}}
{{- define "boxoffice.selectorLabels" -}}
app.kubernetes.io/name: {{ include "boxoffice.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: booking-node
{{- end -}}

{{/* Selector labels of the assistant. */}}
{{- define "boxoffice.llm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "boxoffice.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: llm-service
{{- end -}}

{{- define "boxoffice.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* An image reference from {registry, repository, tag, digest}; the tag defaults to appVersion. */}}
{{- define "boxoffice.imageRef" -}}
{{- $image := .image -}}
{{- $repository := $image.repository -}}
{{- if $image.registry -}}
{{- $repository = printf "%s/%s" $image.registry $image.repository -}}
{{- end -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .appVersion $image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{- define "boxoffice.image" -}}
{{- include "boxoffice.imageRef" (dict "image" .Values.image "appVersion" .Chart.AppVersion) -}}
{{- end -}}

{{- define "boxoffice.llm.image" -}}
{{- include "boxoffice.imageRef" (dict "image" .Values.llm.image "appVersion" .Chart.AppVersion) -}}
{{- end -}}

{{- define "boxoffice.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "boxoffice.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secret names: the user's existing Secret, or the one this chart manages. */}}
{{- define "boxoffice.jwtSecretName" -}}
{{- default (printf "%s-jwt" (include "boxoffice.fullname" .)) .Values.auth.jwt.existingSecret -}}
{{- end -}}

{{- define "boxoffice.peerSecretName" -}}
{{- default (printf "%s-peer" (include "boxoffice.fullname" .)) .Values.auth.peer.existingSecret -}}
{{- end -}}

{{- define "boxoffice.adminSecretName" -}}
{{- default (printf "%s-admin" (include "boxoffice.fullname" .)) .Values.auth.bootstrapAdmin.existingSecret -}}
{{- end -}}

{{/*
DNS name of a member's peer endpoint. The namespace is the pod's own, through the POD_NAMESPACE
variable that Kubernetes expands in env values ($(POD_NAMESPACE)), so the same manifests work in any
namespace (the kustomize base in deploy/ is rendered from this chart).
*/}}
{{- define "boxoffice.peerHost" -}}
{{- printf "%s.%s.$(POD_NAMESPACE).svc.%s" .pod (include "boxoffice.headlessName" .root) .root.Values.clusterDomain -}}
{{- end -}}

{{/* BOXOFFICE_PEERS: the bootstrap members, id=host:peerPort each, comma separated. */}}
{{- define "boxoffice.peers" -}}
{{- $fullname := include "boxoffice.fullname" . -}}
{{- $peers := list -}}
{{- range $i := until (int .Values.cluster.bootstrapMembers) -}}
{{- $pod := printf "%s-%d" $fullname $i -}}
{{- $peers = append $peers (printf "%s=%s:%d" $pod (include "boxoffice.peerHost" (dict "pod" $pod "root" $)) (int $.Values.containerPorts.peer)) -}}
{{- end -}}
{{- join "," $peers -}}
{{- end -}}

{{/* maxUnavailable of the disruption budget: never more than a minority, so a quorum stays up. */}}
{{- define "boxoffice.pdbMaxUnavailable" -}}
{{- if ne (toString .Values.pdb.maxUnavailable) "" -}}
{{- .Values.pdb.maxUnavailable -}}
{{- else -}}
{{- div (sub (int .Values.replicaCount) 1) 2 -}}
{{- end -}}
{{- end -}}

{{/* Model directory of llm-service. */}}
{{- define "boxoffice.llm.modelDir" -}}
{{- printf "%s/%s" (trimSuffix "/" .Values.llm.model.mountPath) .Values.llm.model.download.name -}}
{{- end -}}

{{/*
One raw byte (0..255) as a string: Go templates have no byte literal, so the byte is decoded from
its two-character base64 form.
*/}}
{{- define "boxoffice.der.byte" -}}
{{- $alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" -}}
{{- $value := int . -}}
{{- $high := int (div $value 4) -}}
{{- $low := int (mul (mod $value 4) 16) -}}
{{- printf "%s%s==" (substr $high (int (add1 $high)) $alphabet) (substr $low (int (add1 $low)) $alphabet) | b64dec -}}
{{- end -}}

{{/* A DER length between 256 and 65535 as its two bytes (after the 0x82 long-form marker). */}}
{{- define "boxoffice.der.length2" -}}
{{- $value := int . -}}
{{- if or (lt $value 256) (gt $value 65535) -}}
{{- fail (printf "boxoffice: DER length %d does not fit the two-byte form" $value) -}}
{{- end -}}
{{- printf "%s%s" (include "boxoffice.der.byte" (div $value 256)) (include "boxoffice.der.byte" (mod $value 256)) -}}
{{- end -}}

{{- define "boxoffice.pem" -}}
{{- printf "-----BEGIN %s-----\n%s\n-----END %s-----\n" .label (regexFindAll ".{1,64}" (b64enc .der) -1 | join "\n") .label -}}
{{- end -}}

{{/*
A new RSA key pair for the access tokens, as the booking node reads it: the private key in PKCS#8
("BEGIN PRIVATE KEY") and the public key as SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"). Helm's
genPrivateKey gives PKCS#1 ("BEGIN RSA PRIVATE KEY") and no public key, so both are assembled here in
DER: PKCS#8 wraps the PKCS#1 bytes (RFC 5208), and the public key is RSAPublicKey {n, e} (RFC 8017
A.1.1), whose two integers follow the version field of the PKCS#1 private key, wrapped in
SubjectPublicKeyInfo (RFC 5280). A test decodes both with the JDK and checks they form one pair.
Output: YAML with the base64 of each PEM.
*/}}
{{- define "boxoffice.jwt.generatedPair" -}}
{{- $pkcs1Pem := genPrivateKey "rsa" -}}
{{- $der := $pkcs1Pem | replace "-----BEGIN RSA PRIVATE KEY-----" "" | replace "-----END RSA PRIVATE KEY-----" "" | nospace | b64dec -}}
{{- $seq := b64dec "MII=" -}}
{{- $rsaEncryption := b64dec "MA0GCSqGSIb3DQEBAQUA" -}}
{{- if or (ne (int (index $der 0)) 48) (ne (int (index $der 1)) 130) (ne (int (index $der 7)) 2) (ne (int (index $der 8)) 130) -}}
{{- fail "boxoffice: genPrivateKey returned an RSA key of an unexpected DER layout" -}}
{{- end -}}
{{- $length := len $der -}}
{{- $pkcs8 := printf "%s%s%s%s%s%s%s" $seq (include "boxoffice.der.length2" (add $length 22)) (b64dec "AgEA") $rsaEncryption (b64dec "BII=") (include "boxoffice.der.length2" $length) $der -}}
{{- $modulusTotal := add 4 (add (mul (int (index $der 9)) 256) (int (index $der 10))) -}}
{{- $exponentOffset := add 7 $modulusTotal -}}
{{- $exponentTotal := add 2 (int (index $der (int (add1 $exponentOffset)))) -}}
{{- $integers := substr 7 (int (add $exponentOffset $exponentTotal)) $der -}}
{{- $rsaPublicKey := printf "%s%s%s" $seq (include "boxoffice.der.length2" (len $integers)) $integers -}}
{{- $bitString := printf "%s%s%s%s" (b64dec "A4I=") (include "boxoffice.der.length2" (add1 (len $rsaPublicKey))) (b64dec "AA==") $rsaPublicKey -}}
{{- $spki := printf "%s%s%s%s" $seq (include "boxoffice.der.length2" (add 15 (len $bitString))) $rsaEncryption $bitString -}}
privateKey: {{ include "boxoffice.pem" (dict "label" "PRIVATE KEY" "der" $pkcs8) | b64enc }}
publicKey: {{ include "boxoffice.pem" (dict "label" "PUBLIC KEY" "der" $spki) | b64enc }}
{{- end -}}

{{/*
Every combination of values that cannot work, collected and reported once, each with its fix.
Called from the StatefulSet template, so `helm template`, `install` and `upgrade` all stop on it.
*/}}
{{- define "boxoffice.validateValues" -}}
{{- $messages := list -}}
{{- $replicas := int .Values.replicaCount -}}
{{- if lt $replicas 1 -}}
{{- $messages = append $messages (printf "replicaCount: %d booking nodes cannot serve anything; use 3 (or 1 for a single node without fault tolerance): --set replicaCount=3" $replicas) -}}
{{- else if eq (mod $replicas 2) 0 -}}
{{- $messages = append $messages (printf "replicaCount: %d is even; an even Raft cluster tolerates no more failures than %d members and needs a larger quorum. Use an odd number: --set replicaCount=%d" $replicas (sub $replicas 1) (add1 $replicas)) -}}
{{- end -}}
{{- if and (gt $replicas 1) (not .Values.persistence.enabled) -}}
{{- $messages = append $messages (printf "persistence.enabled: false with %d replicas; a member that restarts without its Raft log and member id could vote twice or lose acknowledged bookings. Keep one volume per pod: --set persistence.enabled=true" $replicas) -}}
{{- end -}}
{{- $bootstrap := int .Values.cluster.bootstrapMembers -}}
{{- if lt $bootstrap 1 -}}
{{- $messages = append $messages "cluster.bootstrapMembers: must be at least 1 (the pods that form the cluster on first start): --set cluster.bootstrapMembers=3" -}}
{{- else if eq (mod $bootstrap 2) 0 -}}
{{- $messages = append $messages (printf "cluster.bootstrapMembers: %d is even; bootstrap an odd number of members: --set cluster.bootstrapMembers=%d" $bootstrap (sub $bootstrap 1)) -}}
{{- end -}}
{{- if gt $bootstrap $replicas -}}
{{- $messages = append $messages (printf "cluster.bootstrapMembers: %d is more than replicaCount %d, so the bootstrap configuration names pods that never start and no quorum forms: --set cluster.bootstrapMembers=%d" $bootstrap $replicas (ternary $replicas (sub $replicas 1) (eq (mod $replicas 2) 1))) -}}
{{- end -}}
{{- $ports := .Values.containerPorts -}}
{{- if or (eq (int $ports.http) (int $ports.grpc)) (eq (int $ports.http) (int $ports.peer)) (eq (int $ports.grpc) (int $ports.peer)) -}}
{{- $messages = append $messages (printf "containerPorts: http (%d), grpc (%d) and peer (%d) must be three different ports: --set containerPorts.http=8080,containerPorts.grpc=9000,containerPorts.peer=7070" (int $ports.http) (int $ports.grpc) (int $ports.peer)) -}}
{{- end -}}
{{- $stopSeconds := add (ternary (int .Values.preStop.timeoutSeconds) 0 .Values.preStop.enabled) (div (add (int64 .Values.cluster.transferTimeoutMillis) 999) 1000) 5 -}}
{{- if le (int .Values.terminationGracePeriodSeconds) $stopSeconds -}}
{{- $messages = append $messages (printf "terminationGracePeriodSeconds: %d leaves no time for a graceful stop (preStop drain %ds + leadership transfer %dms + 5s to close); the pod would be killed mid-transfer: --set terminationGracePeriodSeconds=%d" (int .Values.terminationGracePeriodSeconds) (ternary (int .Values.preStop.timeoutSeconds) 0 .Values.preStop.enabled) (int64 .Values.cluster.transferTimeoutMillis) (add1 $stopSeconds)) -}}
{{- end -}}
{{- if and .Values.pdb.create (ne (toString .Values.pdb.maxUnavailable) "") -}}
{{- $quorumSafe := div (sub $replicas 1) 2 -}}
{{- if gt (int .Values.pdb.maxUnavailable) $quorumSafe -}}
{{- $messages = append $messages (printf "pdb.maxUnavailable: %d of %d members may be evicted together, which takes away the quorum; at most %d: --set pdb.maxUnavailable=%d" (int .Values.pdb.maxUnavailable) $replicas $quorumSafe $quorumSafe) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.auth.jwt.existingSecret (or .Values.auth.jwt.privateKey .Values.auth.jwt.publicKey) -}}
{{- $messages = append $messages "auth.jwt: both existingSecret and a key were given; use one source: --set auth.jwt.privateKey=null,auth.jwt.publicKey=null" -}}
{{- else if or (and .Values.auth.jwt.privateKey (not .Values.auth.jwt.publicKey)) (and .Values.auth.jwt.publicKey (not .Values.auth.jwt.privateKey)) -}}
{{- $messages = append $messages "auth.jwt: privateKey and publicKey go together (PKCS#8 private key and its public key, PEM): --set-file auth.jwt.privateKey=jwt-private.pem,auth.jwt.publicKey=jwt-public.pem" -}}
{{- else if and .Values.auth.jwt.privateKey (not (contains "BEGIN PRIVATE KEY" .Values.auth.jwt.privateKey)) -}}
{{- $messages = append $messages "auth.jwt.privateKey: not a PKCS#8 PEM (BEGIN PRIVATE KEY); convert it with openssl pkcs8 -topk8 -nocrypt -in old.pem -out jwt-private.pem, then --set-file auth.jwt.privateKey=jwt-private.pem" -}}
{{- end -}}
{{- if and .Values.auth.peer.existingSecret .Values.auth.peer.token -}}
{{- $messages = append $messages "auth.peer: both existingSecret and token were given; use one source: --set auth.peer.token=null" -}}
{{- else if and .Values.auth.peer.token (lt (len .Values.auth.peer.token) 32) -}}
{{- $messages = append $messages "auth.peer.token: shorter than 32 characters, too easy to guess; leave it empty to have one generated: --set auth.peer.token=null" -}}
{{- end -}}
{{- if and .Values.auth.bootstrapAdmin.existingSecret .Values.auth.bootstrapAdmin.password -}}
{{- $messages = append $messages "auth.bootstrapAdmin: both existingSecret and password were given; use one source: --set auth.bootstrapAdmin.password=null" -}}
{{- else if and .Values.auth.bootstrapAdmin.password (lt (len .Values.auth.bootstrapAdmin.password) 8) -}}
{{- $messages = append $messages "auth.bootstrapAdmin.password: shorter than 8 characters, the booking node refuses it; leave it empty to have one generated: --set auth.bootstrapAdmin.password=null" -}}
{{- end -}}
{{- if and .Values.llm.enabled (not .Values.llm.model.factsOnly) (not .Values.llm.model.download.enabled) (not .Values.llm.model.existingClaim) -}}
{{- $messages = append $messages "llm.model: the assistant is enabled but has no model source, so it could only answer from facts. Download DistilGPT2 at start, use a volume that holds it, or choose facts-only on purpose: --set llm.model.download.enabled=true (or --set llm.model.existingClaim=<pvc>, or --set llm.model.factsOnly=true)" -}}
{{- end -}}
{{- if and .Values.llm.enabled .Values.llm.model.existingClaim .Values.llm.model.persistence.enabled -}}
{{- $messages = append $messages "llm.model: existingClaim and persistence.enabled both give a model volume; use one: --set llm.model.persistence.enabled=false" -}}
{{- end -}}
{{- if $messages -}}
{{- printf "\nVALUES VALIDATION:\n%s" (join "\n" (prepend $messages (printf "%d problem(s) in the values of %s:" (len $messages) .Chart.Name))) | fail -}}
{{- end -}}
{{- end -}}
