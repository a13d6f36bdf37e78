#pragma once
// The probe's human output: a matrix (rows sources, columns destinations, each cell
// `expected/observed`, `!` on a mismatch), a legend, and one line per pair with the deciding
// intention and what the connection showed.

#include <string>

#include "tools/probe/probe_report.hpp"

namespace gatehouse::tools {

std::string render_matrix(const ProbeReport& report);

// One pair as a line: `web -> db  allow/allow  intention: web => db (allow)  observed: ...`.
std::string render_pair_line(const PairResult& pair);

}  // namespace gatehouse::tools
