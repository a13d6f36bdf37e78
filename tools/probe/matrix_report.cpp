#include "tools/probe/matrix_report.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "tools/probe/probe_request.hpp"

namespace gatehouse::tools {

namespace {

std::string cell(const PairResult* pair) {
  if (pair == nullptr) return "-";
  std::string out{to_string(pair->expected)};
  out += "/";
  out += to_string(pair->observed.verdict);
  if (pair->mismatch()) out += "!";
  return out;
}

void pad_to(std::ostringstream& out, const std::string& text, std::size_t width) {
  out << text << std::string(width - text.size(), ' ');
}

}  // namespace

std::string render_pair_line(const PairResult& pair) {
  std::string out = pair.source + " -> " + pair.destination + "  " + cell(&pair);
  out += "  intention: " +
         (pair.intention.empty() ? std::string{"none (default policy)"} : pair.intention);
  if (pair.policy) out += "  -expect: " + std::string{to_string(*pair.policy)};
  out += "  observed: " + pair.observed.reason;
  if (!pair.observed.reply.empty()) out += "  reply: " + quoted_reply(pair.observed.reply);
  if (pair.observed.status || !pair.observed.reply.empty()) {
    out += "  " + std::to_string(pair.observed.latency.count()) + " ms";
  }
  if (pair.mismatch()) out += "  MISMATCH: " + pair.mismatch_reason();
  return out;
}

std::string render_matrix(const ProbeReport& report) {
  std::ostringstream out;
  const auto mismatches = report.mismatches();
  out << "Probe ("
      << (report.mode == ProbeMode::direct ? "mTLS to each destination's sidecar"
                                           : "through each source sidecar's upstream listener")
      << "): " << report.pairs.size() << (report.pairs.size() == 1 ? " pair, " : " pairs, ")
      << mismatches << (mismatches == 1 ? " mismatch" : " mismatches") << "\n\n";

  const std::string corner = "source \\ destination";
  std::size_t first = corner.size();
  for (const auto& s : report.sources) first = std::max(first, s.size());
  std::vector<std::size_t> widths;
  for (const auto& d : report.destinations) {
    std::size_t w = d.size();
    for (const auto& s : report.sources) w = std::max(w, cell(report.find(s, d)).size());
    widths.push_back(w);
  }
  const auto row = [&](const std::string& head, const std::vector<std::string>& cells) {
    std::ostringstream line;
    pad_to(line, head, first);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      line << "  ";
      pad_to(line, cells[i], widths[i]);
    }
    std::string text = line.str();
    text.erase(text.find_last_not_of(' ') + 1);
    out << text << "\n";
  };
  row(corner, report.destinations);
  for (const auto& s : report.sources) {
    std::vector<std::string> cells;
    for (const auto& d : report.destinations) cells.push_back(cell(report.find(s, d)));
    row(s, cells);
  }
  out << "\nLegend: expected/observed. expected = the intentions' answer (intentions check);\n"
         "observed = what a real connection did: allow (accepted), deny (refused by the\n"
         "destination's sidecar after the TLS handshake), unreachable (no connection);\n"
         "with -send/-http-get: no-reply (let through, but the app did not answer within\n"
         "-settle), unexpected-reply (the answer is not what -expect-reply/-expect-status ask).\n"
         "! = mismatch (observed differs from the intentions or from the -expect file);\n"
         "- = not probed.\n";
  if (!report.pairs.empty()) {
    out << "\nPairs:\n";
    for (const auto& pair : report.pairs) out << "  " << render_pair_line(pair) << "\n";
  }
  return out.str();
}

}  // namespace gatehouse::tools
