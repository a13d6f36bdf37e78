#pragma once
// `gatehouse probe -format json`:
//   {"mode":"direct","pairs":[{"source":"web","destination":"db","expected":"allow",
//     "policy":null,"observed":"allow","reason":"...","intention":"web => db (allow)",
//     "target":"127.0.0.1:21000","mismatch":false,"mismatch_reason":""}],
//    "summary":{"pairs":1,"mismatches":0}}

#include <string>

#include "tools/probe/probe_report.hpp"

namespace gatehouse::tools {

// Pretty-printed, ending in a newline. `intention` and `policy` are null when absent.
std::string render_json(const ProbeReport& report);

}  // namespace gatehouse::tools
