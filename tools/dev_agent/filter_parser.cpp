#include "tools/dev_agent/filter_parser.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "consul/go_quote.hpp"
#include "tools/dev_agent/go_strconv.hpp"

// One function per rule of go-bexpr v0.1.2's grammar.peg, in the grammar's order. The matchers
// record what they wanted at the farthest failure exactly as pigeon's generated parser does
// (failAt, with the inverted sense inside `!…`), and predicate/action errors carry the innermost
// rule's display name, so the texts match the ones Consul returns.

namespace gatehouse::tools {

namespace {

constexpr char32_t kRuneError = 0xFFFD;
// A guard that pigeon does not have (Go stacks grow): deeper nesting is refused with an error
// instead of exhausting the thread's stack.
constexpr int kMaxNesting = 256;

struct Position {
  int line = 1;
  int col = 0;
  std::size_t offset = 0;
};

struct Savepoint {
  Position pos;
  char32_t rune = 0;
  std::size_t width = 0;
};

// utf8.DecodeRune: width 0 at the end, (RuneError, 1) for an invalid byte.
std::pair<char32_t, std::size_t> decode_rune(std::string_view s) {
  if (s.empty()) return {kRuneError, 0};
  const auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t n = 0;
  char32_t r = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, r = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, r = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, r = b0 & 0x07, min = 0x10000;
  } else {
    return {kRuneError, 1};
  }
  if (s.size() < n) return {kRuneError, 1};
  for (std::size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return {kRuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return {kRuneError, 1};
  return {r, n};
}

bool is_space(char32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
bool is_letter(char32_t r) { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'); }
bool is_digit(char32_t r) { return r >= '0' && r <= '9'; }
bool is_ident_rest(char32_t r) { return is_letter(r) || is_digit(r) || r == '_'; }
bool is_nonzero_digit(char32_t r) { return r >= '1' && r <= '9'; }

// The character classes as pigeon names them in "expected" lists (the grammar's own text).
constexpr std::string_view kSpaceClass = R"([ \t\r\n])";
constexpr std::string_view kLetterClass = "[a-zA-Z]";
constexpr std::string_view kIdentRestClass = "[a-zA-Z0-9_]";
constexpr std::string_view kNonZeroClass = "[1-9]";
constexpr std::string_view kDigitClass = "[0-9]";

FilterNodePtr binary(FilterNode::Kind kind, FilterNodePtr left, FilterNodePtr right) {
  auto node = std::make_shared<FilterNode>();
  node->kind = kind;
  node->left = std::move(left);
  node->right = std::move(right);
  return node;
}

FilterNodePtr match(Selector selector, MatchOperator op, std::optional<std::string> value) {
  auto node = std::make_shared<FilterNode>();
  node->selector = std::move(selector);
  node->op = op;
  node->value = std::move(value);
  return node;
}

std::string list_join(const std::vector<std::string>& list) {
  if (list.empty()) return "";
  std::string out;
  for (std::size_t i = 0; i + 1 < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += list[i];
  }
  if (list.size() > 1) out += " or ";
  return out + list.back();
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { read(); }

  boost::system::result<FilterNodePtr, std::string> run() {
    FilterNodePtr tree;
    const bool ok = input(tree);
    if (!ok && errors_.empty()) add_no_match_error();
    if (!errors_.empty()) return {boost::system::in_place_error, joined_errors()};
    return tree;
  }

 private:
  enum class Memo { or_expr, and_expr, not_expr, grouping };

  struct MemoEntry {
    bool ok = false;
    Savepoint end;
    FilterNodePtr value;
  };

  // The innermost rule for error prefixes (`rule "number"`), like pigeon's rule stack.
  class RuleScope {
   public:
    RuleScope(Parser& p, std::string_view name) : p_(p) { p_.rules_.push_back(name); }
    ~RuleScope() { p_.rules_.pop_back(); }
    RuleScope(const RuleScope&) = delete;
    RuleScope& operator=(const RuleScope&) = delete;

   private:
    Parser& p_;
  };

  // ---- pigeon's machinery ----

  void read() {
    pt_.pos.offset += pt_.width;
    auto [rune, width] = decode_rune(text_.substr(pt_.pos.offset));
    pt_.rune = rune;
    pt_.width = width;
    ++pt_.pos.col;
    if (rune == '\n') {
      ++pt_.pos.line;
      pt_.pos.col = 0;
    }
    if (rune == kRuneError && width == 1) add_error("invalid encoding");
  }

  bool at_end() const { return pt_.width == 0; }

  void fail_at(bool matched, const Position& pos, std::string_view want) {
    if (matched != invert_) return;
    if (pos.offset < max_fail_pos_.offset) return;
    if (pos.offset > max_fail_pos_.offset) {
      max_fail_pos_ = pos;
      expected_.clear();
    }
    expected_.push_back(invert_ ? "!" + std::string{want} : std::string{want});
  }

  void add_error_at(std::string_view message, const Position& pos) {
    std::string text = std::to_string(pos.line) + ":" + std::to_string(pos.col) + " (" +
                       std::to_string(pos.offset) + ")";
    if (!rules_.empty()) text += ": rule " + std::string{rules_.back()};
    errors_.push_back(text + ": " + std::string{message});
  }
  void add_error(std::string_view message) { add_error_at(message, pt_.pos); }

  // A predicate `&{ return false, errors.New(message) }`.
  bool refuse(std::string_view message) {
    add_error(message);
    return false;
  }

  void add_no_match_error() {
    std::set<std::string> unique(expected_.begin(), expected_.end());
    const bool eof = unique.erase("!.") > 0;
    std::vector<std::string> expected(unique.begin(), unique.end());  // sorted, as sort.Strings
    if (eof) expected.emplace_back("EOF");
    add_error_at("no match found, expected: " + list_join(expected), max_fail_pos_);
  }

  std::string joined_errors() const {
    std::vector<std::string> unique;
    for (const auto& e : errors_) {
      if (std::find(unique.begin(), unique.end(), e) == unique.end()) unique.push_back(e);
    }
    std::string out;
    for (const auto& e : unique) out += (out.empty() ? "" : "\n") + e;
    return out;
  }

  bool lit(std::string_view s) {
    const Savepoint start = pt_;
    const std::string want = consul::go_quote(s);
    for (char c : s) {
      if (at_end() || pt_.rune != static_cast<unsigned char>(c)) {
        fail_at(false, start.pos, want);
        pt_ = start;
        return false;
      }
      read();
    }
    fail_at(true, start.pos, want);
    return true;
  }

  bool cls(bool (*accepts)(char32_t), std::string_view want) {
    const Savepoint start = pt_;
    if (at_end() || !accepts(pt_.rune)) {
      fail_at(false, start.pos, want);
      return false;
    }
    read();
    fail_at(true, start.pos, want);
    return true;
  }

  bool any() {
    const Savepoint start = pt_;
    if (at_end()) {
      fail_at(false, start.pos, ".");
      return false;
    }
    read();
    fail_at(true, start.pos, ".");
    return true;
  }

  template <class F>
  bool attempt(F&& sequence) {
    const Savepoint start = pt_;
    if (sequence()) return true;
    pt_ = start;
    return false;
  }

  template <class F>
  bool negative_lookahead(F&& expr) {
    const Savepoint start = pt_;
    invert_ = !invert_;
    const bool ok = expr();
    invert_ = !invert_;
    pt_ = start;
    return !ok;
  }

  template <class F>
  bool positive_lookahead(F&& expr) {
    const Savepoint start = pt_;
    const bool ok = expr();
    pt_ = start;
    return ok;
  }

  std::string text_from(const Savepoint& start) const {
    return std::string{text_.substr(start.pos.offset, pt_.pos.offset - start.pos.offset)};
  }

  // Caches the big recursive rules per position: without it the grammar's backtracking is
  // exponential in the nesting depth. Recording is idempotent, so the texts do not change.
  template <class F>
  bool memoized(Memo rule, FilterNodePtr& out, F&& parse) {
    const auto key = std::make_tuple(rule, pt_.pos.offset, invert_);
    if (auto it = memo_.find(key); it != memo_.end()) {
      if (it->second.ok) {
        pt_ = it->second.end;
        out = it->second.value;
      }
      return it->second.ok;
    }
    const bool ok = parse(out);
    memo_[key] = MemoEntry{ok, pt_, ok ? out : nullptr};
    return ok;
  }

  // ---- the grammar ----

  // Input <- _? "(" _? OrExpression _? ")" _? EOF / _? OrExpression _? EOF
  bool input(FilterNodePtr& out) {
    RuleScope rule(*this, "Input");
    if (attempt([&] {
          optional_space();
          if (!lit("(")) return false;
          optional_space();
          if (!or_expression(out)) return false;
          optional_space();
          if (!lit(")")) return false;
          optional_space();
          return end_of_input();
        })) {
      return true;
    }
    return attempt([&] {
      optional_space();
      if (!or_expression(out)) return false;
      optional_space();
      return end_of_input();
    });
  }

  // OrExpression <- AndExpression _ "or" _ OrExpression / AndExpression
  bool or_expression(FilterNodePtr& out) {
    return memoized(Memo::or_expr, out, [&](FilterNodePtr& result) {
      RuleScope rule(*this, "OrExpression");
      FilterNodePtr left;
      FilterNodePtr right;
      if (attempt([&] {
            return and_expression(left) && space() && lit("or") && space() &&
                   or_expression(right);
          })) {
        result = binary(FilterNode::Kind::disjunction, left, right);
        return true;
      }
      return and_expression(result);
    });
  }

  // AndExpression <- NotExpression _ "and" _ AndExpression / NotExpression
  bool and_expression(FilterNodePtr& out) {
    return memoized(Memo::and_expr, out, [&](FilterNodePtr& result) {
      RuleScope rule(*this, "AndExpression");
      FilterNodePtr left;
      FilterNodePtr right;
      if (attempt([&] {
            return not_expression(left) && space() && lit("and") && space() &&
                   and_expression(right);
          })) {
        result = binary(FilterNode::Kind::conjunction, left, right);
        return true;
      }
      return not_expression(result);
    });
  }

  // NotExpression <- "not" _ NotExpression / ParenthesizedExpression
  bool not_expression(FilterNodePtr& out) {
    return memoized(Memo::not_expr, out, [&](FilterNodePtr& result) {
      RuleScope rule(*this, "NotExpression");
      if (nesting_ >= kMaxNesting) return refuse("expression nested too deeply");
      ++nesting_;
      const bool ok = not_expression_body(result);
      --nesting_;
      return ok;
    });
  }

  bool not_expression_body(FilterNodePtr& out) {
    FilterNodePtr operand;
    if (attempt([&] { return lit("not") && space() && not_expression(operand); })) {
      // `not not x` is x, as go-bexpr's action folds it.
      out = operand->kind == FilterNode::Kind::negation
                ? operand->left
                : binary(FilterNode::Kind::negation, operand, nullptr);
      return true;
    }
    return parenthesized_expression(out);
  }

  // ParenthesizedExpression "grouping" <- "(" _? OrExpression _? ")" / MatchExpression
  //   / "(" _? OrExpression _? !")" &{ Unmatched parentheses }
  bool parenthesized_expression(FilterNodePtr& out) {
    return memoized(Memo::grouping, out, [&](FilterNodePtr& result) {
      RuleScope rule(*this, R"("grouping")");
      if (attempt([&] {
            if (!lit("(")) return false;
            optional_space();
            if (!or_expression(result)) return false;
            optional_space();
            return lit(")");
          })) {
        return true;
      }
      if (match_expression(result)) return true;
      return attempt([&] {
        FilterNodePtr ignored;
        if (!lit("(")) return false;
        optional_space();
        if (!or_expression(ignored)) return false;
        optional_space();
        return negative_lookahead([&] { return lit(")"); }) && refuse("Unmatched parentheses");
      });
    });
  }

  // MatchExpression "match" <- MatchSelectorOpValue / MatchSelectorOp / MatchValueOpSelector
  bool match_expression(FilterNodePtr& out) {
    RuleScope rule(*this, R"("match")");
    return match_selector_op_value(out) || match_selector_op(out) || match_value_op_selector(out);
  }

  bool match_selector_op_value(FilterNodePtr& out) {
    RuleScope rule(*this, R"("match")");
    Selector selector;
    MatchOperator op{};
    std::string value;
    if (!attempt([&] {
          return parse_selector(selector) && value_operator(op) && parse_value(value);
        })) {
      return false;
    }
    out = match(std::move(selector), op, std::move(value));
    return true;
  }

  bool value_operator(MatchOperator& op) {
    return operator_rule("MatchEqual", op, MatchOperator::equal, [&] {
             optional_space();
             if (!lit("==")) return false;
             optional_space();
             return true;
           }) ||
           operator_rule("MatchNotEqual", op, MatchOperator::not_equal, [&] {
             optional_space();
             if (!lit("!=")) return false;
             optional_space();
             return true;
           }) ||
           words_operator("MatchContains", op, MatchOperator::in, {"contains"}) ||
           words_operator("MatchNotContains", op, MatchOperator::not_in, {"not", "contains"}) ||
           words_operator("MatchMatches", op, MatchOperator::matches, {"matches"}) ||
           words_operator("MatchNotMatches", op, MatchOperator::not_matches, {"not", "matches"});
  }

  bool match_selector_op(FilterNodePtr& out) {
    RuleScope rule(*this, R"("match")");
    Selector selector;
    MatchOperator op{};
    if (!attempt([&] {
          return parse_selector(selector) && emptiness_operator(op);
        })) {
      return false;
    }
    out = match(std::move(selector), op, std::nullopt);
    return true;
  }

  // MatchIsEmpty <- _ "is" _ "empty"; MatchIsNotEmpty <- _ "is" _ "not" _ "empty" (no
  // trailing whitespace, unlike the other operators)
  bool emptiness_operator(MatchOperator& op) {
    return operator_rule("MatchIsEmpty", op, MatchOperator::is_empty, [&] {
             return space() && lit("is") && space() && lit("empty");
           }) ||
           operator_rule("MatchIsNotEmpty", op, MatchOperator::is_not_empty, [&] {
             return space() && lit("is") && space() && lit("not") && space() && lit("empty");
           });
  }

  // MatchValueOpSelector "match" <- Value (MatchIn / MatchNotIn) Selector
  //   / Value (MatchIn / MatchNotIn) !Selector &{ Invalid selector }
  bool match_value_op_selector(FilterNodePtr& out) {
    RuleScope rule(*this, R"("match")");
    std::string value;
    MatchOperator op{};
    Selector selector;
    if (attempt([&] {
          return parse_value(value) && membership_operator(op) && parse_selector(selector);
        })) {
      out = match(std::move(selector), op, std::move(value));
      return true;
    }
    return attempt([&] {
      std::string ignored_value;
      MatchOperator ignored_op{};
      return parse_value(ignored_value) && membership_operator(ignored_op) &&
             negative_lookahead([&] {
               Selector ignored;
               return parse_selector(ignored);
             }) &&
             refuse("Invalid selector");
    });
  }

  bool membership_operator(MatchOperator& op) {
    return words_operator("MatchIn", op, MatchOperator::in, {"in"}) ||
           words_operator("MatchNotIn", op, MatchOperator::not_in, {"not", "in"});
  }

  template <class F>
  bool operator_rule(std::string_view name, MatchOperator& op, MatchOperator value, F&& body) {
    RuleScope rule(*this, name);
    if (!attempt(body)) return false;
    op = value;
    return true;
  }

  // `_ "not" _ "in" _` and the like: every word preceded and followed by whitespace.
  bool words_operator(std::string_view name, MatchOperator& op, MatchOperator value,
                      std::initializer_list<std::string_view> words) {
    return operator_rule(name, op, value, [&] {
      for (auto word : words) {
        if (!space() || !lit(word)) return false;
      }
      return space();
    });
  }

  // Selector "selector" <- Identifier SelectorOrIndex*
  bool parse_selector(Selector& out) {
    RuleScope rule(*this, R"("selector")");
    Selector parts;
    std::string part;
    if (!identifier(part)) return false;
    parts.push_back(part);
    while (selector_or_index(part)) parts.push_back(part);
    out = std::move(parts);
    return true;
  }

  // Identifier <- [a-zA-Z] [a-zA-Z0-9_]*
  bool identifier(std::string& out) {
    RuleScope rule(*this, "Identifier");
    const Savepoint start = pt_;
    if (!cls(is_letter, kLetterClass)) return false;
    while (cls(is_ident_rest, kIdentRestClass)) {
    }
    out = text_from(start);
    return true;
  }

  // SelectorOrIndex <- "." Identifier / IndexExpression
  bool selector_or_index(std::string& out) {
    RuleScope rule(*this, "SelectorOrIndex");
    if (attempt([&] { return lit(".") && identifier(out); })) return true;
    return index_expression(out);
  }

  // IndexExpression "index" <- "[" _? StringLiteral _? "]"
  //   / "[" _? !StringLiteral &{ Invalid index }
  //   / "[" _? StringLiteral _? !"]" &{ Unclosed index expression }
  bool index_expression(std::string& out) {
    RuleScope rule(*this, R"("index")");
    if (attempt([&] {
          if (!lit("[")) return false;
          optional_space();
          if (!string_literal(out)) return false;
          optional_space();
          return lit("]");
        })) {
      return true;
    }
    if (attempt([&] {
          if (!lit("[")) return false;
          optional_space();
          return negative_lookahead([&] {
                   std::string ignored;
                   return string_literal(ignored);
                 }) &&
                 refuse("Invalid index");
        })) {
      return true;
    }
    return attempt([&] {
      std::string ignored;
      if (!lit("[")) return false;
      optional_space();
      if (!string_literal(ignored)) return false;
      optional_space();
      return negative_lookahead([&] { return lit("]"); }) && refuse("Unclosed index expression");
    });
  }

  // Value "value" <- Selector / NumberLiteral / StringLiteral; a selector-like word is taken
  // as its text (parts joined with "."), so `Action == allow` compares with "allow".
  bool parse_value(std::string& out) {
    RuleScope rule(*this, R"("value")");
    Selector selector;
    if (parse_selector(selector)) {
      out = selector_text(selector);
      return true;
    }
    return number_literal(out) || string_literal(out);
  }

  // NumberLiteral "number" <- "-"? IntegerOrFloat &AfterNumbers
  //   / "-"? IntegerOrFloat !AfterNumbers &{ Invalid number literal }
  bool number_literal(std::string& out) {
    RuleScope rule(*this, R"("number")");
    const Savepoint start = pt_;
    if (attempt([&] {
          lit("-");
          return integer_or_float() && positive_lookahead([&] { return after_numbers(); });
        })) {
      out = text_from(start);
      return true;
    }
    return attempt([&] {
      lit("-");
      return integer_or_float() && negative_lookahead([&] { return after_numbers(); }) &&
             refuse("Invalid number literal");
    });
  }

  // AfterNumbers <- &(_ / EOF / ")")
  bool after_numbers() {
    RuleScope rule(*this, "AfterNumbers");
    return positive_lookahead([&] { return space() || end_of_input() || lit(")"); });
  }

  // IntegerOrFloat <- ("0" / [1-9][0-9]*) ("." [0-9]+)?
  bool integer_or_float() {
    RuleScope rule(*this, "IntegerOrFloat");
    return attempt([&] {
      const bool whole = lit("0") || attempt([&] {
                           if (!cls(is_nonzero_digit, kNonZeroClass)) return false;
                           while (cls(is_digit, kDigitClass)) {
                           }
                           return true;
                         });
      if (!whole) return false;
      attempt([&] {
        if (!lit(".") || !cls(is_digit, kDigitClass)) return false;
        while (cls(is_digit, kDigitClass)) {
        }
        return true;
      });
      return true;
    });
  }

  // StringLiteral "string" <- ('`' RawStringChar* '`' / '"' DoubleStringChar* '"')
  //     { strconv.Unquote }
  //   / ('`' RawStringChar* / '"' DoubleStringChar*) EOF &{ Unterminated string literal }
  bool string_literal(std::string& out) {
    RuleScope rule(*this, R"("string")");
    const Savepoint start = pt_;
    if (attempt([&] { return quoted("`", true) || quoted("\"", true); })) {
      auto unquoted = go_unquote(text_from(start));
      if (unquoted) {
        out = *unquoted;
      } else {
        add_error_at(unquoted.error(), start.pos);  // an action's error, at the rule's start
      }
      return true;
    }
    return attempt([&] {
      return (quoted("`", false) || quoted("\"", false)) && end_of_input() &&
             refuse("Unterminated string literal");
    });
  }

  bool quoted(std::string_view quote, bool closed) {
    return attempt([&] {
      if (!lit(quote)) return false;
      while (string_char(quote)) {
      }
      return !closed || lit(quote);
    });
  }

  // RawStringChar <- !'`' . ; DoubleStringChar <- !'"' .
  bool string_char(std::string_view quote) {
    RuleScope rule(*this, quote == "`" ? "RawStringChar" : "DoubleStringChar");
    return attempt([&] { return negative_lookahead([&] { return lit(quote); }) && any(); });
  }

  // _ "whitespace" <- [ \t\r\n]+
  bool space() {
    RuleScope rule(*this, R"("whitespace")");
    if (!cls(is_space, kSpaceClass)) return false;
    while (cls(is_space, kSpaceClass)) {
    }
    return true;
  }
  void optional_space() { space(); }

  // EOF <- !.
  bool end_of_input() {
    RuleScope rule(*this, "EOF");
    return negative_lookahead([&] { return any(); });
  }

  std::string_view text_;
  Savepoint pt_;
  Position max_fail_pos_{1, 1, 0};
  std::vector<std::string> expected_;
  bool invert_ = false;
  std::vector<std::string_view> rules_;
  std::vector<std::string> errors_;
  int nesting_ = 0;
  std::map<std::tuple<Memo, std::size_t, bool>, MemoEntry> memo_;
};

}  // namespace

std::string_view operator_name(MatchOperator op) {
  switch (op) {
    case MatchOperator::equal: return "Equal";
    case MatchOperator::not_equal: return "Not Equal";
    case MatchOperator::in: return "In";
    case MatchOperator::not_in: return "Not In";
    case MatchOperator::is_empty: return "Is Empty";
    case MatchOperator::is_not_empty: return "Is Not Empty";
    case MatchOperator::matches: return "Matches";
    case MatchOperator::not_matches: return "Not Matches";
  }
  return "UNKNOWN";
}

std::string selector_text(const Selector& selector) {
  std::string out;
  for (const auto& part : selector) out += (out.empty() ? "" : ".") + part;
  return out;
}

boost::system::result<FilterNodePtr, std::string> parse_filter(std::string_view text) {
  return Parser{text}.run();
}

}  // namespace gatehouse::tools
