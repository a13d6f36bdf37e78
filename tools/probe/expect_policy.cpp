#include "tools/probe/expect_policy.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "consul/failure.hpp"

namespace gatehouse::tools {

namespace {

using consul::Failure;
using nlohmann::json;

std::string type_of(const json& j) {
  return j.is_string() ? "\"" + j.get<std::string>() + "\"" : j.dump() + " (" + j.type_name() + ")";
}

bool is_name(const json& j) { return j.is_string() && !j.get<std::string>().empty(); }

}  // namespace

boost::system::result<ExpectPolicy, std::string> ExpectPolicy::parse(std::string_view text,
                                                                     const std::string& file_name) {
  const auto fail = [&](const std::string& pointer, const std::string& why) {
    return Failure{file_name + ": " + pointer + (pointer.empty() ? "" : ": ") + why};
  };
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e400
    return fail("", e.what());
  }
  if (!doc.is_object()) {
    return fail("", "expected an object with \"allow\" and/or \"deny\" lists, got " + type_of(doc));
  }
  ExpectPolicy policy;
  std::map<std::pair<std::string, std::string>, std::string> where;
  for (const auto& [key, list] : doc.items()) {
    const auto verdict = parse_policy_verdict(key);
    if (!verdict) return fail("/" + key, "unknown key (expected \"allow\" or \"deny\")");
    if (!list.is_array()) {
      return fail("/" + key,
                  "expected a list of [source, destination] pairs, got " + type_of(list));
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string pointer = "/" + key + "/" + std::to_string(i);
      const auto& entry = list[i];
      if (!entry.is_array() || entry.size() != 2 || !is_name(entry[0]) || !is_name(entry[1])) {
        return fail(pointer,
                    "expected [source, destination] (two service names), got " + type_of(entry));
      }
      std::pair pair{entry[0].get<std::string>(), entry[1].get<std::string>()};
      if (const auto seen = where.find(pair); seen != where.end()) {
        return fail(pointer, entry.dump() + " is already listed at " + seen->second);
      }
      where.emplace(pair, pointer);
      policy.entries_.emplace(std::move(pair), *verdict);
    }
  }
  return policy;
}

boost::system::result<ExpectPolicy, std::string> ExpectPolicy::load(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return Failure{path + ": cannot read the file: " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

std::optional<Verdict> ExpectPolicy::lookup(const std::string& source,
                                            const std::string& destination) const {
  const std::array<std::pair<std::string, std::string>, 4> candidates{
      {{source, destination}, {"*", destination}, {source, "*"}, {"*", "*"}}};
  for (const auto& key : candidates) {
    if (const auto it = entries_.find(key); it != entries_.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace gatehouse::tools
