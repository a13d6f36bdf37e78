#pragma once
// One structured log line as ordered key/value pairs, rendered either as `key=value` text or as
// JSON members, so `-log-json` carries exactly the same fields as the text form.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::proxy {

class LogFields {
 public:
  // Text values are quoted when empty or when they hold spaces, quotes, '=' or control bytes.
  LogFields& add(std::string_view key, std::string_view value);
  // Always quoted in text (free text such as Consul's Reason).
  LogFields& add_quoted(std::string_view key, std::string_view value);
  LogFields& add(std::string_view key, std::int64_t value);
  LogFields& add(std::string_view key, std::uint64_t value);

  // `event=conn outcome=denied reason="..."`
  std::string text() const;
  // `"event":"conn","outcome":"denied"` (members without braces; numbers stay numbers).
  std::string json_members() const;

 private:
  enum class Kind { text, quoted, number };
  struct Field {
    std::string key;
    std::string value;
    Kind kind;
  };
  std::vector<Field> fields_;
};

// `"` and `\` escaped, control bytes as \xNN, so a value never breaks the line.
std::string quote_text_value(std::string_view value);

}  // namespace gatehouse::proxy
