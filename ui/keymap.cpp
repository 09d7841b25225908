#include "ui/keymap.hpp"

namespace vigil {

std::optional<protocol::pc_key> pc_key_for(sf::Keyboard::Key key) {
  using sf::Keyboard;
  using protocol::pc_key;
  if (key >= Keyboard::A && key <= Keyboard::Z) {
    static constexpr pc_key letters[] = {pc_key::a, pc_key::b, pc_key::c, pc_key::d, pc_key::e, pc_key::f, pc_key::g,
                                         pc_key::h, pc_key::i, pc_key::j, pc_key::k, pc_key::l, pc_key::m, pc_key::n,
                                         pc_key::o, pc_key::p, pc_key::q, pc_key::r, pc_key::s, pc_key::t, pc_key::u,
                                         pc_key::v, pc_key::w, pc_key::x, pc_key::y, pc_key::z};
    return letters[key - Keyboard::A];
  }
  if (key >= Keyboard::Num0 && key <= Keyboard::Num9) {
    static constexpr pc_key digits[] = {pc_key::digit_0, pc_key::digit_1, pc_key::digit_2, pc_key::digit_3,
                                        pc_key::digit_4, pc_key::digit_5, pc_key::digit_6, pc_key::digit_7,
                                        pc_key::digit_8, pc_key::digit_9};
    return digits[key - Keyboard::Num0];
  }
  if (key >= Keyboard::Numpad0 && key <= Keyboard::Numpad9) {
    static constexpr pc_key keypad[] = {pc_key::kp_0, pc_key::kp_1, pc_key::kp_2, pc_key::kp_3, pc_key::kp_4,
                                        pc_key::kp_5, pc_key::kp_6, pc_key::kp_7, pc_key::kp_8, pc_key::kp_9};
    return keypad[key - Keyboard::Numpad0];
  }
  if (key >= Keyboard::F1 && key <= Keyboard::F12) {
    static constexpr pc_key functions[] = {pc_key::f1, pc_key::f2, pc_key::f3, pc_key::f4,  pc_key::f5,  pc_key::f6,
                                           pc_key::f7, pc_key::f8, pc_key::f9, pc_key::f10, pc_key::f11, pc_key::f12};
    return functions[key - Keyboard::F1];
  }
  switch (key) {
    case Keyboard::Escape: return pc_key::escape;
    case Keyboard::LControl: return pc_key::left_ctrl;
    case Keyboard::LShift: return pc_key::left_shift;
    case Keyboard::LAlt: return pc_key::left_alt;
    case Keyboard::LSystem: return pc_key::left_meta;
    case Keyboard::RControl: return pc_key::right_ctrl;
    case Keyboard::RShift: return pc_key::right_shift;
    case Keyboard::RAlt: return pc_key::right_alt;
    case Keyboard::RSystem: return pc_key::right_meta;
    case Keyboard::Menu: return pc_key::menu;
    case Keyboard::LBracket: return pc_key::left_bracket;
    case Keyboard::RBracket: return pc_key::right_bracket;
    case Keyboard::Semicolon: return pc_key::semicolon;
    case Keyboard::Comma: return pc_key::comma;
    case Keyboard::Period: return pc_key::period;
    case Keyboard::Quote: return pc_key::apostrophe;
    case Keyboard::Slash: return pc_key::slash;
    case Keyboard::Backslash: return pc_key::backslash;
    case Keyboard::Tilde: return pc_key::grave;
    case Keyboard::Equal: return pc_key::equal;
    case Keyboard::Hyphen: return pc_key::minus;
    case Keyboard::Space: return pc_key::space;
    case Keyboard::Enter: return pc_key::enter;
    case Keyboard::Backspace: return pc_key::backspace;
    case Keyboard::Tab: return pc_key::tab;
    case Keyboard::PageUp: return pc_key::page_up;
    case Keyboard::PageDown: return pc_key::page_down;
    case Keyboard::End: return pc_key::end;
    case Keyboard::Home: return pc_key::home;
    case Keyboard::Insert: return pc_key::insert;
    case Keyboard::Delete: return pc_key::delete_key;
    case Keyboard::Add: return pc_key::kp_add;
    case Keyboard::Subtract: return pc_key::kp_subtract;
    case Keyboard::Multiply: return pc_key::kp_multiply;
    case Keyboard::Divide: return pc_key::kp_divide;
    case Keyboard::Left: return pc_key::left;
    case Keyboard::Right: return pc_key::right;
    case Keyboard::Up: return pc_key::up;
    case Keyboard::Down: return pc_key::down;
    case Keyboard::Pause: return pc_key::pause;
    default: return std::nullopt;
  }
}

}  // namespace vigil
