#include "tools/probe/junit_report.hpp"

#include <array>
#include <cstdio>
#include <sstream>

#include "tools/probe/probe_request.hpp"

namespace gatehouse::tools {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// JUnit's `time` attribute: seconds, to the millisecond.
std::string seconds(std::chrono::milliseconds ms) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.3f", static_cast<double>(ms.count()) / 1000.0);
  return text.data();
}

// What the destination sent, for the test's output (quoted, control bytes escaped: XML 1.0 has
// no way to carry most of them).
std::string reply_text(const Observation& o) {
  std::string out;
  if (o.status) out += ", HTTP " + std::to_string(*o.status);
  if (!o.reply.empty()) out += ", reply " + quoted_reply(o.reply);
  return out + ", " + std::to_string(o.latency.count()) + " ms";
}

}  // namespace

std::string render_junit(const ProbeReport& report) {
  const auto tests = std::to_string(report.pairs.size());
  const auto failures = std::to_string(report.mismatches());
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"gatehouse probe\" tests=\"" << tests << "\" failures=\"" << failures
      << "\">\n"
      << "  <testsuite name=\"gatehouse probe (" << to_string(report.mode) << ")\" tests=\""
      << tests << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n";
  for (const auto& p : report.pairs) {
    out << "    <testcase classname=\"gatehouse.probe." << xml_escape(p.source) << "\" name=\""
        << xml_escape(p.source + " -> " + p.destination) << "\" time=\""
        << seconds(p.observed.latency) << "\">\n";
    if (p.mismatch()) {
      out << "      <failure type=\"mismatch\" message=\"" << xml_escape(p.mismatch_reason())
          << "\">" << xml_escape("observed: " + p.observed.reason) << "</failure>\n";
    }
    out << "      <system-out>"
        << xml_escape("expected " + std::string{to_string(p.expected)} + " (intention: " +
                      (p.intention.empty() ? std::string{"none, default policy"} : p.intention) +
                      "), observed " + std::string{to_string(p.observed.verdict)} + ": " +
                      p.observed.reason + reply_text(p.observed))
        << "</system-out>\n"
        << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace gatehouse::tools
