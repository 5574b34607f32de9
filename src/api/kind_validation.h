// Per-kind validation: the checks of upstream's pkg/apis/<group>/validation that matter for what
// orchd serves, with upstream's field paths, order and messages (see validation.h for how
// messages are worded), run after ApplyDefaults and next to ValidateObjectMeta.
//
// Covered ("" = core):
//   Pod (spec), PodTemplate (template), ReplicationController: volumes' names; containers and
//     initContainers (required, name a unique DNS label, image, ports, pull and termination
//     message policies, probes on init containers); restartPolicy; dnsPolicy (and dnsConfig for
//     None); host-network ports; activeDeadlineSeconds; image whitespace (Pod only)
//   apps Deployment, ReplicaSet, StatefulSet, DaemonSet: selector (required, valid, non-empty,
//     matching the template labels), replicas and other counters >= 0, strategy types, the
//     template's pod spec (restartPolicy Always only, no activeDeadlineSeconds)
//   batch Job, CronJob: counters >= 0, completionMode, podReplacementPolicy, the template's
//     restartPolicy OnFailure or Never; CronJob schedule (robfig/cron standard syntax, as the
//     CronJob controller parses it), concurrencyPolicy, no selector in the job template
//   Service: ports (required unless headless or ExternalName; number, protocol, names, target
//     port, duplicates), type, sessionAffinity, clusterIP(s), externalName, traffic policies
//   ConfigMap, Secret: keys (config keys), total size (1 MiB), required keys of typed secrets
// Namespace, Node and unknown kinds have nothing beyond metadata: no errors.
//
// Not here: metadata (ValidateObjectMeta), update rules (immutable fields), the node port range
// (the allocator), anything needing other objects.
//
// Thread safety: pure function of its arguments.
#pragma once

#include <string_view>

#include "api/field_error.h"
#include "api/json.h"

namespace orchd::api {

// The field errors of `obj`, an object of `kind` in API `group` ("" for core), in upstream's
// order; empty when valid. Fields of an unexpected JSON type are treated as unset.
FieldErrors ValidateKind(std::string_view group, std::string_view kind, const JsonValue& obj);

}  // namespace orchd::api
