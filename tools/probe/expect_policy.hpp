#pragma once
// A user's expectation file for `gatehouse probe -expect FILE`: which pairs must be allowed and
// which denied, independent of what the intentions say.
//
//   {"allow": [["web", "db"], ["*", "api"]], "deny": [["api", "db"]]}
//
// Each entry is [source, destination]; `*` stands for any service on that side. A pair takes the
// most specific entry: exact, then [*, dst], then [src, *], then [*, *]. Pairs not covered are
// not checked against the file.

#include <boost/system/result.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tools/probe/verdict.hpp"

namespace gatehouse::tools {

class ExpectPolicy {
 public:
  // Errors name the file and the JSON pointer of the bad field:
  //   `policy.json: /allow/1: expected [source, destination] (two service names), got "web"`.
  static boost::system::result<ExpectPolicy, std::string> parse(std::string_view text,
                                                                const std::string& file_name);
  static boost::system::result<ExpectPolicy, std::string> load(const std::string& path);

  std::optional<Verdict> lookup(const std::string& source, const std::string& destination) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::map<std::pair<std::string, std::string>, Verdict> entries_;
};

}  // namespace gatehouse::tools
