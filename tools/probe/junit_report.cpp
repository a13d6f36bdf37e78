#include "tools/probe/junit_report.hpp"

#include <sstream>

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
        << xml_escape(p.source + " -> " + p.destination) << "\">\n";
    if (p.mismatch()) {
      out << "      <failure type=\"mismatch\" message=\"" << xml_escape(p.mismatch_reason())
          << "\">" << xml_escape("observed: " + p.observed.reason) << "</failure>\n";
    }
    out << "      <system-out>"
        << xml_escape("expected " + std::string{to_string(p.expected)} + " (intention: " +
                      (p.intention.empty() ? std::string{"none, default policy"} : p.intention) +
                      "), observed " + std::string{to_string(p.observed.verdict)} + ": " +
                      p.observed.reason)
        << "</system-out>\n"
        << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace gatehouse::tools
