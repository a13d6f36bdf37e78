#pragma once
// `gatehouse probe -format json`:
//   {"mode":"direct","pairs":[{"source":"web","destination":"db","expected":"allow",
//     "policy":null,"observed":"allow","reason":"...","reply":"hello from db\n","status":200,
//     "latency_ms":4,"intention":"web => db (allow)","target":"127.0.0.1:21000",
//     "mismatch":false,"mismatch_reason":""}],
//    "summary":{"pairs":1,"mismatches":0}}
// `reply` is the first 64 bytes the destination sent (bytes that are not UTF-8 become U+FFFD),
// null when it sent none; `status` the HTTP status with -http-get, else null; `latency_ms` the
// time from the TCP connect to the answer (or to the end of the settle window).

#include <string>

#include "tools/probe/probe_report.hpp"

namespace gatehouse::tools {

// Pretty-printed, ending in a newline. `intention`, `policy`, `reply` and `status` are null when
// absent.
std::string render_json(const ProbeReport& report);

}  // namespace gatehouse::tools
