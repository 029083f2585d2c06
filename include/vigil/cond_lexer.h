/* vigil: the condition lexer (Falco's filter language).
 *
 * The language is context sensitive: after an operator a bare value may
 * hold characters such as '<', '/', '*' or '[' that mean something else
 * elsewhere ("evt.dir=<", "fd.name glob *.sh"), and a field argument
 * ("proc.env[HOME]") has yet another character set.  So the lexer is a
 * cursor the parser drives, asking for each token in a mode.  Tokens
 * point into the text and own no memory, so peeking costs nothing. */
#ifndef VIGIL_COND_LEXER_H
#define VIGIL_COND_LEXER_H

#include <stdbool.h>
#include <stddef.h>

enum cond_lex_mode {
  LEX_EXPR,      /* structure: keywords, macro and field names, operators */
  LEX_VALUE,     /* the right side of an operator: bare or quoted values */
  LEX_FIELD_ARG, /* inside the [ ] after a field name */
};

enum cond_tok_kind {
  TOK_EOF,
  TOK_LPAREN,
  TOK_RPAREN,
  TOK_COMMA,
  TOK_LBRACKET, /* LEX_EXPR only */
  TOK_RBRACKET, /* LEX_EXPR and LEX_FIELD_ARG */
  TOK_WORD,     /* LEX_EXPR: [A-Za-z][A-Za-z0-9_]* segments joined by '.' */
  TOK_OPSYM,    /* = == != < <= > >=; in LEX_VALUE only '=' (never a value) */
  TOK_STRING,   /* a quoted string, escapes already checked */
  TOK_BARE,     /* a bare value (LEX_VALUE, LEX_FIELD_ARG), or stray text in LEX_EXPR */
  TOK_ERROR,    /* lexical error: see err_offset and err_msg of the lexer */
};

struct cond_token {
  enum cond_tok_kind kind;
  size_t offset; /* of the first byte */
  size_t len;    /* raw length, quotes included */
  bool dotted;   /* TOK_WORD containing a '.': a field name, not a macro name */
};

struct cond_lexer {
  const char *text;
  size_t len;
  size_t pos;
  size_t err_offset; /* valid after a TOK_ERROR */
  char err_msg[160];
};

/** Start lexing text[0..len).  The text is borrowed. */
void cond_lexer_init (struct cond_lexer *lx, const char *text, size_t len);

/** Skip blanks and return the next token in `mode`, consuming it
 *  (a TOK_ERROR or TOK_EOF is not consumed). */
struct cond_token cond_lex_next (struct cond_lexer *lx, enum cond_lex_mode mode);

/** The token cond_lex_next would return, without consuming it. */
struct cond_token cond_lex_peek (struct cond_lexer *lx, enum cond_lex_mode mode);

/** Skip blanks; returns the new position. */
size_t cond_lex_skip_blanks (struct cond_lexer *lx);

/** Does the token's raw text equal `word`?  Inline: the parser calls it
 *  in loops over keyword tables, with constant words. */
static inline bool
cond_tok_is (const struct cond_lexer *lx, const struct cond_token *t, const char *word)
{
  size_t n = __builtin_strlen (word);
  return t->len == n && __builtin_memcmp (lx->text + t->offset, word, n) == 0;
}

/** The token's raw text as a new string. */
char *cond_tok_text (const struct cond_lexer *lx, const struct cond_token *t);

/** A TOK_STRING's value: quotes removed, escapes decoded. */
char *cond_tok_unquote (const struct cond_lexer *lx, const struct cond_token *t);

/** The token for messages: "'proc.name'" (shortened, non-printable bytes
 *  escaped) or "end of condition". */
void cond_tok_describe (const struct cond_lexer *lx, const struct cond_token *t, char *buf, size_t size);

/** Blank characters between tokens: space, \t, \n, \r, \b, \f, \v. */
bool cond_lex_is_blank (int c);

/** May c appear in a bare value (after an operator, in a list)? */
bool cond_lex_is_bare_value_char (int c);

/** May c appear in a bare field argument? */
bool cond_lex_is_bare_arg_char (int c);

/** Is s[0..n) a number as Falco's numeric operators accept it: decimal
 *  ("-1", "2.5", "1.0e+3") or hexadecimal ("0x1F")? */
bool cond_lex_is_number (const char *s, size_t n);

#endif
