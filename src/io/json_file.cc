#include "io/json_file.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <vector>

#include "io/input_error.h"

namespace atslab::io {

namespace {

// An iterator over the text that counts what the parser has consumed, so that an
// error raised from the parse callback (which gets no position) can name its line.
struct CountingIt {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p = nullptr;
  size_t* consumed = nullptr;
  reference operator*() const { return *p; }
  CountingIt& operator++() {
    ++p;
    ++*consumed;
    return *this;
  }
  CountingIt operator++(int) {
    CountingIt old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIt& o) const { return p == o.p; }
  bool operator!=(const CountingIt& o) const { return p != o.p; }
};

struct DuplicateKey {
  std::string key;
  size_t at;
};

// A SAX pass that only looks for a key given twice in one object (a syntax error ends it: the
// document's parse then reports it, with its position).
struct DuplicateKeys : nlohmann::json_sax<nlohmann::json> {
  explicit DuplicateKeys(const size_t* at) : consumed(at) {}
  const size_t* consumed;
  std::vector<std::set<std::string>> keys;  // one set per open object
  std::optional<DuplicateKey> dup;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    keys.emplace_back();
    return true;
  }
  bool key(string_t& k) override {
    if (keys.back().insert(k).second) return true;
    dup = DuplicateKey{k, *consumed};
    return false;
  }
  bool end_object() override {
    keys.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

std::string position(const std::string& text, size_t at) {
  at = std::min(at, text.size());
  size_t line = 1, col = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return fmt::format("{}:{}", line, col);
}

}  // namespace

nlohmann::json load_json_file(const std::string& path, const std::string& what, size_t max_bytes) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw InputError(fmt::format("{}: cannot open {}: no such file", path, what));
  if (!std::filesystem::is_regular_file(st)) throw InputError(fmt::format("{}: cannot open {}: not a regular file", path, what));
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError(fmt::format("{}: cannot open {}: {}", path, what, ec.message()));
  if (size > max_bytes) throw InputError(fmt::format("{}: {} larger than {} MiB", path, what, max_bytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open {}", path, what));
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size)) || in.gcount() != static_cast<std::streamsize>(size))
    throw InputError(fmt::format("{}: cannot read {}", path, what));

  // Two passes, both linear: duplicate keys by SAX (nlohmann 3.11.2's callback parser rescans
  // the enclosing array after every object, quadratic in the array's length: 200,000 replay steps
  // took 10 s), then the document.
  size_t consumed = 0;
  CountingIt first{text.data(), &consumed}, last{text.data() + text.size(), &consumed};
  try {
    DuplicateKeys sax{&consumed};
    nlohmann::json::sax_parse(first, last, &sax);
    if (sax.dup) throw *sax.dup;
    consumed = 0;
    return nlohmann::json::parse(first, last);
  } catch (const DuplicateKey& d) {
    throw InputError(fmt::format("{}:{}: key '{}' given twice in one object", path, position(text, d.at), d.key));
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte counts from 1 and names the character the parser stopped at.
    throw InputError(fmt::format("{}:{}: not valid JSON", path, position(text, e.byte ? e.byte - 1 : 0)));
  } catch (const nlohmann::json::exception& e) {
    // A number that does not fit (1e400) and the like: reported where the parser stood.
    std::string m = e.what();
    if (auto b = m.find("] "); b != std::string::npos) m = m.substr(b + 2);  // drop nlohmann's "[json.exception...]"
    throw InputError(fmt::format("{}:{}: {}", path, position(text, consumed ? consumed - 1 : 0), m));
  }
}

void only_keys(const nlohmann::json& o, const std::string& where, std::initializer_list<const char*> keys) {
  only_keys(o, where, std::vector<std::string>(keys.begin(), keys.end()));
}

void only_keys(const nlohmann::json& o, const std::string& where, const std::vector<std::string>& keys) {
  if (!o.is_object()) return;
  for (const auto& [k, v] : o.items()) {
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
    std::string list;
    for (const auto& a : keys) list += (list.empty() ? "" : ", ") + a;
    throw InputError(fmt::format("{}: unknown field '{}' (expected one of: {})", where, k, list));
  }
}

}  // namespace atslab::io
