#include "tools/option_error.hpp"

#include <boost/program_options/cmdline.hpp>
#include <map>
#include <string_view>
#include <utility>

namespace gatehouse::tools {

namespace po = boost::program_options;

namespace {

using Substitutions = std::map<std::string, std::string>;
using Defaults = std::map<std::string, std::pair<std::string, std::string>>;

// The parts of an error_with_option_name that what() formats from. They are protected members;
// naming them through a derived class is how C++ lets us read them from the base object.
struct OptionErrorParts : po::error_with_option_name {
  static const Substitutions& substitutions(const po::error_with_option_name& e) {
    return e.*&OptionErrorParts::m_substitutions;
  }
  static const Defaults& defaults(const po::error_with_option_name& e) {
    return e.*&OptionErrorParts::m_substitution_defaults;
  }
  static int style(const po::error_with_option_name& e) {
    return e.*&OptionErrorParts::m_option_style;
  }
};

// get_canonical_option_prefix() is protected: the same mapping.
std::string prefix_for(int style) {
  namespace s = po::command_line_style;
  switch (style) {
    case s::allow_dash_for_short:
    case s::allow_long_disguise:
      return "-";
    case s::allow_slash_for_short:
      return "/";
    case s::allow_long:
      return "--";
    default:
      return "";
  }
}

// Every occurrence of `from` in `text` replaced by `to`, scanning left to right once: what is
// inserted is never searched again.
std::string replace_once_each(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string{text};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, from.size()) == from) {
      out += to;
      i += from.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

// `%name%` placeholders of `text` filled from `values` in one pass; unknown ones stay as they are.
std::string fill_placeholders(std::string_view text, const Substitutions& values) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto open = text.find('%', i);
    if (open == std::string_view::npos) break;
    const auto close = text.find('%', open + 1);
    if (close == std::string_view::npos) break;
    out += text.substr(i, open - i);
    const auto value = values.find(std::string{text.substr(open + 1, close - open - 1)});
    if (value == values.end()) {
      out += '%';  // not a placeholder: keep it, and let the closing '%' start the next one
      i = open + 1;
    } else {
      out += value->second;
      i = close + 1;
    }
  }
  out += text.substr(i);
  return out;
}

// What error_with_option_name::substitute_placeholders() builds, without its loop.
std::string format(const po::error_with_option_name& e) {
  Substitutions values = OptionErrorParts::substitutions(e);
  values["canonical_option"] = e.get_option_name();
  values["prefix"] = prefix_for(OptionErrorParts::style(e));
  std::string message = e.m_error_template;
  for (const auto& [name, replacement] : OptionErrorParts::defaults(e)) {
    const auto value = values.find(name);
    if (value == values.end() || value->second.empty()) {
      message = replace_once_each(message, replacement.first, replacement.second);
    }
  }
  return fill_placeholders(message, values);
}

}  // namespace

std::string option_error_text(const po::error& error) {
  if (const auto* named = dynamic_cast<const po::error_with_option_name*>(&error)) {
    return format(*named);
  }
  return error.what();  // the other errors have a fixed text
}

}  // namespace gatehouse::tools
