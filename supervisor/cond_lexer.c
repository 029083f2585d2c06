/* vigil: the condition lexer (Falco's filter language).
 *
 * Character sets follow libsinsp's filter parser: a bare value is any run
 * of bytes other than blanks, ( ) , = and quotes; a bare field argument
 * any run other than blanks, [ ] and quotes.  Strings are quoted with ' or
 * " and take libsinsp's escapes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vigil/cond_lexer.h"
#include "vigil/error.h"

void
cond_lexer_init (struct cond_lexer *lx, const char *text, size_t len)
{
  memset (lx, 0, sizeof *lx);
  lx->text = text;
  lx->len = len;
}

bool
cond_lex_is_blank (int c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b' || c == '\f' || c == '\v';
}

bool
cond_lex_is_bare_value_char (int c)
{
  return c != '\0' && !cond_lex_is_blank (c) && strchr ("(),=\"'", c) == NULL;
}

bool
cond_lex_is_bare_arg_char (int c)
{
  return c != '\0' && !cond_lex_is_blank (c) && strchr ("[]\"'", c) == NULL;
}

static bool
is_alpha (int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit (int c)
{
  return c >= '0' && c <= '9';
}

static size_t
skip_digits (const char *s, size_t i, size_t n)
{
  while (i < n && is_digit ((unsigned char) s[i]))
    i++;
  return i;
}

static bool
is_hex_number (const char *s, size_t n)
{
  if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return false;
  for (size_t i = 2; i < n; i++)
    if (!is_alpha ((unsigned char) s[i]) && !is_digit ((unsigned char) s[i]))
      return false;
  return true;
}

/* [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)? as libsinsp's RGX_NUMBER. */
bool
cond_lex_is_number (const char *s, size_t n)
{
  size_t i = 0, j;

  if (is_hex_number (s, n))
    return true;
  if (i < n && (s[i] == '+' || s[i] == '-'))
    i++;
  j = skip_digits (s, i, n);
  if (j == i)
    return false;
  i = j;
  if (i < n && s[i] == '.')
    i = skip_digits (s, i + 1, n);
  if (i < n && (s[i] == 'e' || s[i] == 'E'))
    {
      if (i + 1 >= n || (s[i + 1] != '+' && s[i + 1] != '-'))
        return false;
      j = skip_digits (s, i + 2, n);
      if (j == i + 2)
        return false;
      i = j;
    }
  return i == n;
}

size_t
cond_lex_skip_blanks (struct cond_lexer *lx)
{
  while (lx->pos < lx->len && cond_lex_is_blank ((unsigned char) lx->text[lx->pos]))
    lx->pos++;
  return lx->pos;
}

static struct cond_token
make_tok (enum cond_tok_kind kind, size_t start, size_t end)
{
  return (struct cond_token){ .kind = kind, .offset = start, .len = end - start };
}

static struct cond_token
lex_error (struct cond_lexer *lx, size_t offset, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

static struct cond_token
lex_error (struct cond_lexer *lx, size_t offset, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (lx->err_msg, sizeof lx->err_msg, fmt, ap);
  va_end (ap);
  lx->err_offset = offset;
  return make_tok (TOK_ERROR, offset, offset);
}

/* Decode the byte c that follows a backslash in a string quoted with q.
 * Returns the decoded byte, or -1 with *why set to a message (or NULL for
 * an unsupported escape). */
static int
decode_escape (char c, char q, const char **why)
{
  switch (c)
    {
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case ' ': /* libsinsp keeps "\ " working for old rules: it yields a backslash */
    case '\\':
      return '\\';
    case '/':
      return '/';
    case '"':
    case '\'':
      if (c != q)
        {
          *why = c == '"' ? "invalid \\\" escape in a '-quoted string" : "invalid \\' escape in a \"-quoted string";
          return -1;
        }
      return c;
    default:
      *why = NULL;
      return -1;
    }
}

/* A quoted string starting at lx->pos: find its end, checking escapes, so
 * that every later unquoting succeeds. */
static struct cond_token
lex_string (struct cond_lexer *lx)
{
  size_t start = lx->pos, i = start + 1;
  char q = lx->text[start];

  while (i < lx->len)
    {
      char c = lx->text[i];
      if (c == q)
        {
          lx->pos = i + 1;
          return make_tok (TOK_STRING, start, i + 1);
        }
      if (c == '\0')
        return lex_error (lx, i, "NUL byte in a string");
      if (c == '\\')
        {
          const char *why = NULL;
          unsigned char e;
          if (i + 1 >= lx->len)
            break;
          e = lx->text[i + 1];
          if (decode_escape ((char) e, q, &why) < 0)
            {
              if (why)
                return lex_error (lx, i, "%s", why);
              if (e >= 0x20 && e < 0x7f)
                return lex_error (lx, i, "unsupported escape sequence '\\%c' in a string", e);
              return lex_error (lx, i, "unsupported escape sequence: backslash and byte 0x%02x in a string", e);
            }
          i++;
        }
      i++;
    }
  return lex_error (lx, start, "unterminated string");
}

static bool
is_word_char (int c)
{
  return is_alpha (c) || is_digit (c) || c == '_';
}

/* [A-Za-z][A-Za-z0-9_]* segments joined by '.'; a dot not followed by a
 * letter ends the word before the dot. */
static struct cond_token
lex_word (struct cond_lexer *lx)
{
  size_t start = lx->pos, i = start;
  bool dotted = false;

  for (;;)
    {
      i++;
      while (i < lx->len && is_word_char ((unsigned char) lx->text[i]))
        i++;
      if (i + 1 < lx->len && lx->text[i] == '.' && is_alpha ((unsigned char) lx->text[i + 1]))
        {
          dotted = true;
          i++;
          continue;
        }
      break;
    }
  lx->pos = i;
  struct cond_token t = make_tok (TOK_WORD, start, i);
  t.dotted = dotted;
  return t;
}

static struct cond_token
lex_run (struct cond_lexer *lx, bool (*accept) (int c))
{
  size_t start = lx->pos;

  while (lx->pos < lx->len && accept ((unsigned char) lx->text[lx->pos]))
    lx->pos++;
  return make_tok (TOK_BARE, start, lx->pos);
}

static bool
is_stray_char (int c)
{
  return c != '\0' && !cond_lex_is_blank (c) && strchr ("()[],\"'=<>", c) == NULL;
}

static struct cond_token
lex_opsym (struct cond_lexer *lx)
{
  size_t start = lx->pos;
  char c = lx->text[start];
  bool eq_follows = start + 1 < lx->len && lx->text[start + 1] == '=';

  if (c == '!' && !eq_follows)
    return lex_run (lx, is_stray_char);
  lx->pos += eq_follows ? 2 : 1;
  return make_tok (TOK_OPSYM, start, lx->pos);
}

static struct cond_token
lex_punct (struct cond_lexer *lx, enum cond_tok_kind kind)
{
  lx->pos++;
  return make_tok (kind, lx->pos - 1, lx->pos);
}

static struct cond_token
lex_expr (struct cond_lexer *lx, char c)
{
  switch (c)
    {
    case '(':
      return lex_punct (lx, TOK_LPAREN);
    case ')':
      return lex_punct (lx, TOK_RPAREN);
    case ',':
      return lex_punct (lx, TOK_COMMA);
    case '[':
      return lex_punct (lx, TOK_LBRACKET);
    case ']':
      return lex_punct (lx, TOK_RBRACKET);
    case '=':
    case '!':
    case '<':
    case '>':
      return lex_opsym (lx);
    default:
      if (is_alpha ((unsigned char) c))
        return lex_word (lx);
      return lex_run (lx, is_stray_char);
    }
}

static struct cond_token
lex_value (struct cond_lexer *lx, char c)
{
  switch (c)
    {
    case '(':
      return lex_punct (lx, TOK_LPAREN);
    case ')':
      return lex_punct (lx, TOK_RPAREN);
    case ',':
      return lex_punct (lx, TOK_COMMA);
    case '=':
      return lex_punct (lx, TOK_OPSYM);
    default:
      return lex_run (lx, cond_lex_is_bare_value_char);
    }
}

static struct cond_token
lex_field_arg (struct cond_lexer *lx, char c)
{
  switch (c)
    {
    case '[':
      return lex_punct (lx, TOK_LBRACKET);
    case ']':
      return lex_punct (lx, TOK_RBRACKET);
    default:
      return lex_run (lx, cond_lex_is_bare_arg_char);
    }
}

struct cond_token
cond_lex_next (struct cond_lexer *lx, enum cond_lex_mode mode)
{
  char c;

  cond_lex_skip_blanks (lx);
  if (lx->pos >= lx->len)
    return make_tok (TOK_EOF, lx->len, lx->len);
  c = lx->text[lx->pos];
  if (c == '\0')
    return lex_error (lx, lx->pos, "unexpected NUL byte");
  if (c == '"' || c == '\'')
    return lex_string (lx);
  switch (mode)
    {
    case LEX_VALUE:
      return lex_value (lx, c);
    case LEX_FIELD_ARG:
      return lex_field_arg (lx, c);
    case LEX_EXPR:
    default:
      return lex_expr (lx, c);
    }
}

struct cond_token
cond_lex_peek (struct cond_lexer *lx, enum cond_lex_mode mode)
{
  size_t saved = lx->pos;
  struct cond_token t = cond_lex_next (lx, mode);

  lx->pos = saved;
  return t;
}

char *
cond_tok_text (const struct cond_lexer *lx, const struct cond_token *t)
{
  return xstrndup (lx->text + t->offset, t->len);
}

char *
cond_tok_unquote (const struct cond_lexer *lx, const struct cond_token *t)
{
  const char *s = lx->text + t->offset;
  char q = s[0];
  char *out = xmalloc (t->len);
  size_t n = 0;

  /* lex_string validated the escapes, so decode_escape cannot fail here. */
  for (size_t i = 1; i + 1 < t->len; i++)
    {
      const char *why;
      if (s[i] == '\\' && i + 2 < t->len)
        {
          int d = decode_escape (s[++i], q, &why);
          out[n++] = (char) (d < 0 ? s[i] : d);
        }
      else
        out[n++] = s[i];
    }
  out[n] = '\0';
  return out;
}

#define DESCRIBE_MAX 40

void
cond_tok_describe (const struct cond_lexer *lx, const struct cond_token *t, char *buf, size_t size)
{
  size_t n = 0, shown = t->len < DESCRIBE_MAX ? t->len : DESCRIBE_MAX;

  if (t->kind == TOK_EOF)
    {
      snprintf (buf, size, "end of condition");
      return;
    }
  if (size < 8)
    {
      if (size)
        buf[0] = '\0';
      return;
    }
  buf[n++] = '\'';
  for (size_t i = 0; i < shown && n + 8 < size; i++)
    {
      unsigned char c = lx->text[t->offset + i];
      if (c >= 0x20 && c < 0x7f)
        buf[n++] = c;
      else
        n += snprintf (buf + n, size - n, "\\x%02x", c);
    }
  if (shown < t->len && n + 5 < size)
    {
      memcpy (buf + n, "...", 3);
      n += 3;
    }
  buf[n++] = '\'';
  buf[n] = '\0';
}
