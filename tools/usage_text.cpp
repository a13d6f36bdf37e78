#include "tools/usage_text.hpp"

#include <algorithm>
#include <boost/program_options/value_semantic.hpp>
#include <optional>
#include <set>
#include <typeinfo>

#include "consul/agent_config.hpp"
#include "tools/text_wrap.hpp"

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

// hashicorp/consul command/flags/usage.go: maxLineLength and the indent of a flag's text.
constexpr std::size_t kMaxLineLength = 72;
constexpr std::string_view kTextIndent = "     ";

using Flag = po::option_description;

// typed_value::name() is the only way Boost shows a value's name and default: "NAME",
// "NAME (=DEFAULT)" or "[=NAME(=IMPLICIT)] (=DEFAULT)", NAME being "arg" unless value_name() set.
struct ValueName {
  std::string name;
  std::optional<std::string> default_text;
};

ValueName parse_value_name(const std::string& shown) {
  ValueName out;
  std::string_view rest = shown;
  if (const auto at = rest.rfind(" (="); at != std::string_view::npos && rest.ends_with(')')) {
    out.default_text = std::string{rest.substr(at + 3, rest.size() - at - 4)};
    rest = rest.substr(0, at);
  }
  if (rest.starts_with("[=")) rest = rest.substr(2, rest.find("(=") - 2);
  out.name = rest;
  return out;
}

bool is_bool(const Flag& flag) {
  const auto* typed = dynamic_cast<const po::typed_value_base*>(flag.semantic().get());
  return typed != nullptr && typed->value_type() == typeid(bool);
}

// A switch, or a bool that may stand alone (`-revoke`, `-revoke=false`), like a Go bool flag.
bool takes_no_value(const Flag& flag) {
  return flag.semantic()->max_tokens() == 0 ||
         (is_bool(flag) && flag.semantic()->min_tokens() == 0);
}

bool is_lowercase_word(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= 'a' && c <= 'z'; });
}

// What goes between `=<` and `>`: see the header.
std::string placeholder(const Flag& flag) {
  auto named = parse_value_name(flag.semantic()->name()).name;
  if (named != "arg" && is_lowercase_word(named)) return named;
  const auto* typed = dynamic_cast<const po::typed_value_base*>(flag.semantic().get());
  if (typed == nullptr) return "value";
  const std::type_info& type = typed->value_type();
  if (type == typeid(std::string)) return "string";
  if (type == typeid(int) || type == typeid(long) || type == typeid(long long)) return "int";
  if (type == typeid(unsigned) || type == typeid(unsigned long) ||
      type == typeid(unsigned long long)) {
    return "uint";
  }
  if (type == typeid(double) || type == typeid(float)) return "float";
  if (type == typeid(bool)) return "bool";
  return "value";
}

// "Defaults to 3s." for a flag whose default is worth stating; Boost shows a bool as 0 or 1.
std::optional<std::string> default_sentence(const Flag& flag) {
  if (flag.semantic()->max_tokens() == 0) return std::nullopt;  // a switch: off unless given
  auto shown = parse_value_name(flag.semantic()->name()).default_text;
  if (!shown || shown->empty()) return std::nullopt;
  if (is_bool(flag)) shown = *shown == "0" ? "false" : "true";
  return "Defaults to " + *shown + ".";
}

bool is_example_line(std::string_view line) { return line.starts_with(' '); }

// The description's lines: paragraphs wrapped, example lines kept, blank lines kept.
std::vector<std::string> description_lines(std::string_view text, std::size_t width) {
  std::vector<std::string> out;
  std::string paragraph;
  const auto flush = [&] {
    for (auto& line : wrap_words(paragraph, width)) out.push_back(std::move(line));
    paragraph.clear();
  };
  for (std::size_t start = 0; start <= text.size();) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    if (is_example_line(line) || line.empty()) {
      flush();
      out.emplace_back(line);
    } else {
      paragraph += ' ';
      paragraph += line;
    }
    start = end + 1;
  }
  flush();
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

std::string with_default(const Flag& flag) {
  std::string text = flag.description();
  const auto stated = default_sentence(flag);
  if (!stated) return text;
  if (text.empty()) return *stated;
  const auto newline = text.rfind('\n');
  const auto last_line = newline == std::string::npos ? text : text.substr(newline + 1);
  return text + (is_example_line(last_line) ? "\n" : " ") + *stated;
}

bool is_help(const Flag& flag) { return flag.long_name() == "help"; }

std::set<std::string> agent_flag_names() {
  po::options_description agent;
  consul::add_agent_flags(agent);
  std::set<std::string> names;
  for (const auto& flag : agent.options()) names.insert(flag->long_name());
  return names;
}

void append_group(std::string& out, std::string_view title, std::vector<const Flag*> flags) {
  if (flags.empty()) return;
  std::ranges::sort(flags, {}, [](const Flag* f) { return f->long_name(); });
  out += title;
  out += "\n\n";
  for (const Flag* flag : flags) out += flag_entry(*flag) + "\n\n";
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::string flag_entry(const Flag& flag) {
  std::string out = "  -" + flag.long_name();
  if (!takes_no_value(flag)) out += "=<" + placeholder(flag) + ">";
  out += '\n';
  const auto width = kMaxLineLength - kTextIndent.size();
  for (const auto& line : description_lines(with_default(flag), width)) {
    if (!line.empty()) out += kTextIndent;
    out += line + "\n";
  }
  if (out.ends_with('\n')) out.pop_back();
  return out;
}

std::string usage_text(std::string_view usage, const po::options_description& flags,
                       AgentFlags agent_flags) {
  const auto agent_names =
      agent_flags == AgentFlags::http_api_options ? agent_flag_names() : std::set<std::string>{};
  std::vector<const Flag*> http_api;
  std::vector<const Flag*> own;
  for (const auto& flag : flags.options()) {
    if (is_help(*flag)) continue;
    (agent_names.contains(flag->long_name()) ? http_api : own).push_back(flag.get());
  }
  std::string out{trim(usage)};
  out += "\n\n";
  append_group(out, "HTTP API Options", std::move(http_api));
  append_group(out, "Command Options", std::move(own));
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

std::string command_list(std::span<const CommandSynopsis> commands) {
  std::size_t widest = 0;
  for (const auto& c : commands) widest = std::max(widest, c.name.size());
  std::string out;
  for (const auto& c : commands) {
    out += "    ";
    out += c.name;
    out.append(widest - c.name.size() + 4, ' ');
    out += c.synopsis;
    out += '\n';
  }
  return out;
}

}  // namespace gatehouse::tools
