#include "tools/probe/probe_request.hpp"

#include "common/hex_escape.hpp"
#include "consul/failure.hpp"
#include "tools/utf8.hpp"

namespace gatehouse::tools {

using consul::Failure;

boost::system::result<std::string, std::string> decode_send_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 == text.size()) return Failure{"-send: a lone \\ at the end (write \\\\ for one)"};
    switch (text[++i]) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
        out += '\\';
        break;
      default:
        return Failure{"-send: unknown escape \"\\" + std::string{text[i]} +
                       "\" (use \\n, \\r, \\t or \\\\)"};
    }
  }
  if (out.empty()) return Failure{"-send: the text is empty"};
  return {boost::system::in_place_value, std::move(out)};
}

boost::system::result<std::regex, std::string> compile_expect_reply(const std::string& text) {
  try {
    return std::regex{text, std::regex::ECMAScript};
  } catch (const std::regex_error& e) {
    return Failure{"-expect-reply: invalid regular expression \"" + text + "\": " + e.what()};
  }
}

std::string reply_head(std::string_view reply) {
  return replace_invalid_utf8(reply.substr(0, kReplyShown));
}

std::string quoted_reply(std::string_view reply) {
  std::string out = "\"";
  for (const char c : reply) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (byte >= 0x20 && byte < 0x7f) {
          out += c;
        } else {
          common::append_hex_escape(out, byte);
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace gatehouse::tools
