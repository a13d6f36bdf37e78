#include "tools/probe/json_report.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::tools {

std::string render_json(const ProbeReport& report) {
  using nlohmann::json;
  json pairs = json::array();
  for (const auto& p : report.pairs) {
    json j;
    j["source"] = p.source;
    j["destination"] = p.destination;
    j["expected"] = to_string(p.expected);
    j["policy"] = p.policy ? json(to_string(*p.policy)) : json(nullptr);
    j["observed"] = to_string(p.observed.verdict);
    j["reason"] = p.observed.reason;
    j["reply"] = p.observed.reply.empty() ? json(nullptr) : json(p.observed.reply);
    j["status"] = p.observed.status ? json(*p.observed.status) : json(nullptr);
    j["latency_ms"] = p.observed.latency.count();
    j["intention"] = p.intention.empty() ? json(nullptr) : json(p.intention);
    j["target"] = p.target;
    j["mismatch"] = p.mismatch();
    j["mismatch_reason"] = p.mismatch_reason();
    pairs.push_back(std::move(j));
  }
  json doc;
  doc["mode"] = to_string(report.mode);
  doc["pairs"] = std::move(pairs);
  doc["summary"] = {{"pairs", report.pairs.size()}, {"mismatches", report.mismatches()}};
  return doc.dump(2) + "\n";
}

}  // namespace gatehouse::tools
