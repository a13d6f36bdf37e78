#pragma once
// The result of one probe run: per pair what the intentions say (and the -expect file, if any)
// and what a real connection showed; rendered by matrix_report, json_report and junit_report.

#include <optional>
#include <string>
#include <vector>

#include "tools/probe/classification.hpp"
#include "tools/probe/verdict.hpp"

namespace gatehouse::tools {

enum class ProbeMode { direct, via_upstream };

std::string_view to_string(ProbeMode mode);  // "direct", "via-upstream"

struct PairResult {
  std::string source;
  std::string destination;
  Verdict expected = Verdict::deny;  // GET /v1/connect/intentions/check
  std::optional<Verdict> policy;     // the -expect file's entry, if it covers the pair
  Observation observed;
  std::string intention;  // the first matching intention (`web => db (allow)`); "" = none
  std::string target;     // where the probe connected ("127.0.0.1:21000"); "" = nowhere

  // The observation differs from the intentions, or from the -expect file.
  bool mismatch() const;
  // "intentions expect allow, observed deny; -expect file says deny" style text, "" if none.
  std::string mismatch_reason() const;
};

struct ProbeReport {
  ProbeMode mode = ProbeMode::direct;
  std::vector<std::string> sources;       // matrix rows, sorted
  std::vector<std::string> destinations;  // matrix columns, sorted
  std::vector<PairResult> pairs;

  const PairResult* find(const std::string& source, const std::string& destination) const;
  std::size_t mismatches() const;
  // 0 when every pair matches, 1 otherwise (2, errors, never produce a report).
  int exit_code() const { return mismatches() == 0 ? 0 : 1; }
};

}  // namespace gatehouse::tools
