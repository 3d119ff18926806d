// Conversations: building the bytes, describing them, and the replay file.
//
// Replay file (one item per line, '#' starts a comment):
//   frame fin=1 rsv=000 op=1 mask=masked key=11223344 form=minimal len=- payload=48656c6c6f flips=-
//   cut 7 20          (a write ends after byte 7 of the stream, then pause 20 ms)
#include "wslab/netfuzz/conversation.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace wslab::netfuzz {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string hex_plain(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text == "-") return std::string();
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nibble(text[i]);
    const int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string_view mask_name(MaskMode m) {
  switch (m) {
    case MaskMode::kMasked:
      return "masked";
    case MaskMode::kUnmasked:
      return "unmasked";
    case MaskMode::kBitOnly:
      return "mask-bit-only";
  }
  return "masked";
}

std::string_view form_name(LengthForm f) {
  switch (f) {
    case LengthForm::kMinimal:
      return "minimal";
    case LengthForm::k7:
      return "7";
    case LengthForm::k16:
      return "16";
    case LengthForm::k64:
      return "64";
  }
  return "minimal";
}

std::string quoted_preview(std::string_view payload) {
  std::string out = "\"";
  for (std::size_t i = 0; i < payload.size() && i < 24; ++i) {
    const auto c = static_cast<unsigned char>(payload[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (payload.size() > 24) out += "...";
  return out + "\"";
}

}  // namespace

std::string hex(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max_bytes; ++i) {
    if (i > 0) out += ' ';
    const auto c = static_cast<unsigned char>(bytes[i]);
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  if (bytes.size() > max_bytes) out += " ... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

std::string FrameSpec::build() const {
  FrameBuilder b;
  b.fin(fin).rsv(rsv1, rsv2, rsv3).opcode(opcode).length_form(form).payload(payload);
  switch (mask) {
    case MaskMode::kMasked:
      b.mask(key);
      break;
    case MaskMode::kUnmasked:
      b.unmasked();
      break;
    case MaskMode::kBitOnly:
      b.mask_bit_only(key);
      break;
  }
  if (declared_length) b.declared_length(*declared_length);
  std::string bytes = b.build();
  for (const auto& [offset, value] : flips) {
    if (offset < bytes.size())
      bytes[offset] = static_cast<char>(static_cast<unsigned char>(bytes[offset]) ^ value);
  }
  return bytes;
}

std::string FrameSpec::describe() const {
  std::ostringstream os;
  os << opcode_name(opcode) << " (op " << static_cast<int>(opcode) << ") fin=" << (fin ? 1 : 0);
  if (rsv1 || rsv2 || rsv3) os << " rsv=" << rsv1 << rsv2 << rsv3;
  os << ' ' << mask_name(mask);
  if (form != LengthForm::kMinimal) os << " length-form=" << form_name(form);
  if (declared_length) os << " declared-length=" << *declared_length;
  os << ' ' << payload.size() << " B " << quoted_preview(payload);
  if (!flips.empty()) {
    os << " flips=";
    for (std::size_t i = 0; i < flips.size(); ++i) {
      os << (i ? "," : "") << "byte " << flips[i].first << "^0x" << kHex[flips[i].second >> 4]
         << kHex[flips[i].second & 0xF];
    }
  }
  return os.str();
}

std::string Conversation::stream() const {
  std::string out;
  for (const auto& f : frames) out += f.build();
  return out;
}

std::vector<Piece> Conversation::pieces() const {
  const std::string all = stream();
  std::vector<Cut> sorted = cuts;
  std::sort(sorted.begin(), sorted.end(), [](const Cut& a, const Cut& b) { return a.end < b.end; });
  std::vector<Piece> out;
  std::size_t pos = 0;
  for (const Cut& c : sorted) {
    if (c.end <= pos || c.end >= all.size()) {
      // A duplicate cut only adds its pause to the previous write.
      if (c.end == pos && !out.empty()) out.back().pause += c.pause;
      continue;
    }
    out.push_back({all.substr(pos, c.end - pos), c.pause});
    pos = c.end;
  }
  if (pos < all.size() || out.empty()) out.push_back({all.substr(pos), Millis{0}});
  out.back().pause = Millis{0};
  return out;
}

std::string Conversation::describe() const {
  std::ostringstream os;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    os << "    frame " << i << ": " << frames[i].describe() << '\n';
  }
  const auto ps = pieces();
  os << "    writes:";
  std::size_t pos = 0;
  for (const auto& p : ps) {
    os << " [" << pos << ".." << pos + p.bytes.size() << ")";
    if (p.pause.count() > 0) os << " +" << p.pause.count() << "ms";
    pos += p.bytes.size();
  }
  os << "\n    bytes after the handshake: " << hex(stream(), 96) << '\n';
  return os.str();
}

std::string Conversation::to_text() const {
  std::ostringstream os;
  os << "# wslab fuzz conversation v1: frames sent after a valid opening handshake\n";
  for (const auto& f : frames) {
    os << "frame fin=" << (f.fin ? 1 : 0) << " rsv=" << f.rsv1 << f.rsv2 << f.rsv3
       << " op=" << static_cast<int>(f.opcode) << " mask=" << mask_name(f.mask)
       << " key=" << hex_plain(std::string_view(reinterpret_cast<const char*>(f.key.data()), 4))
       << " form=" << form_name(f.form)
       << " len=" << (f.declared_length ? std::to_string(*f.declared_length) : std::string("-"))
       << " payload=" << (f.payload.empty() ? std::string("-") : hex_plain(f.payload)) << " flips=";
    if (f.flips.empty()) os << '-';
    for (std::size_t i = 0; i < f.flips.size(); ++i) {
      os << (i ? "," : "") << f.flips[i].first << ':' << static_cast<int>(f.flips[i].second);
    }
    os << '\n';
  }
  for (const auto& c : cuts) os << "cut " << c.end << ' ' << c.pause.count() << '\n';
  return os.str();
}

Result<Conversation> Conversation::from_text(std::string_view text) {
  Conversation conv;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  auto bad = [&](const std::string& what) {
    return Error{"line " + std::to_string(number) + ": " + what};
  };
  while (std::getline(in, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind)) continue;
    if (kind == "cut") {
      long long end = -1;
      long long pause = -1;
      if (!(words >> end >> pause) || end < 0 || pause < 0 || pause > 60000)
        return bad("expected: cut <byte offset> <pause ms>");
      conv.cuts.push_back({static_cast<std::size_t>(end), Millis{pause}});
      continue;
    }
    if (kind != "frame") return bad("unknown item \"" + kind + "\" (expected frame or cut)");
    FrameSpec f;
    std::string field;
    while (words >> field) {
      const auto eq = field.find('=');
      if (eq == std::string::npos) return bad("expected key=value, got \"" + field + "\"");
      const std::string key = field.substr(0, eq);
      const std::string value = field.substr(eq + 1);
      if (key == "fin") {
        f.fin = value == "1";
      } else if (key == "rsv") {
        if (value.size() != 3) return bad("rsv takes three bits, e.g. rsv=010");
        f.rsv1 = value[0] == '1';
        f.rsv2 = value[1] == '1';
        f.rsv3 = value[2] == '1';
      } else if (key == "op") {
        const int op = std::atoi(value.c_str());
        if (op < 0 || op > 15) return bad("op must be 0-15");
        f.opcode = static_cast<std::uint8_t>(op);
      } else if (key == "mask") {
        if (value == "masked")
          f.mask = MaskMode::kMasked;
        else if (value == "unmasked")
          f.mask = MaskMode::kUnmasked;
        else if (value == "mask-bit-only")
          f.mask = MaskMode::kBitOnly;
        else
          return bad("mask must be masked, unmasked or mask-bit-only");
      } else if (key == "key") {
        const auto k = unhex(value);
        if (!k || k->size() != 4) return bad("key takes 4 bytes in hex");
        for (std::size_t i = 0; i < 4; ++i) f.key[i] = static_cast<std::uint8_t>((*k)[i]);
      } else if (key == "form") {
        if (value == "minimal")
          f.form = LengthForm::kMinimal;
        else if (value == "7")
          f.form = LengthForm::k7;
        else if (value == "16")
          f.form = LengthForm::k16;
        else if (value == "64")
          f.form = LengthForm::k64;
        else
          return bad("form must be minimal, 7, 16 or 64");
      } else if (key == "len") {
        if (value != "-") f.declared_length = std::strtoull(value.c_str(), nullptr, 10);
      } else if (key == "payload") {
        const auto p = unhex(value);
        if (!p) return bad("payload must be hex (or -)");
        f.payload = *p;
      } else if (key == "flips") {
        if (value == "-") continue;
        std::istringstream list(value);
        std::string item;
        while (std::getline(list, item, ',')) {
          const auto colon = item.find(':');
          if (colon == std::string::npos) return bad("flips take offset:xor,...");
          const auto offset = std::strtoul(item.substr(0, colon).c_str(), nullptr, 10);
          const auto x = std::strtoul(item.substr(colon + 1).c_str(), nullptr, 10);
          if (x > 255) return bad("a flip's xor value is one byte");
          f.flips.emplace_back(static_cast<std::uint32_t>(offset), static_cast<std::uint8_t>(x));
        }
      } else {
        return bad("unknown frame field \"" + key + "\"");
      }
    }
    conv.frames.push_back(std::move(f));
  }
  if (conv.frames.empty()) return Error{"no frame in the conversation"};
  return conv;
}

}  // namespace wslab::netfuzz
