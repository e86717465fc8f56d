/**
 * The simple commands of a bash script, as a workflow's `run:` gives it, for the workflow spec's
 * checks: every command the script would run, those in `$( )` included, with its words as
 * written. A reader for the forms the workflow's scripts use, not a shell: what it does not read
 * (a heredoc, a backquoted command, a quote left open) it reports, so that such a script fails the
 * checks instead of hiding a command from them.
 */

/** One simple command: `NAME=value ... name args`, without its redirections. */
export interface SimpleCommand {
  /** The words from the command's name on, as written (quotes kept); none for assignments only. */
  readonly words: readonly string[];
  /** The `NAME=value` words before the command's name, as written. */
  readonly assignments: readonly string[];
}

/** A script read into its simple commands. */
export interface ReadScript {
  /** Every simple command, a command substitution's before the command it is in. */
  readonly commands: readonly SimpleCommand[];
  /** What the reader could not read, as sentences; a script with any is not fully read. */
  readonly unread: readonly string[];
}

/** Words that open or close a compound command: the command starts after them. */
const RESERVED = new Set(["!", "{", "}", "if", "then", "elif", "else", "fi", "do", "done", "while", "until"]);
const ASSIGNMENT = /^[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=/;
/** A redirection's operator, with the file descriptor before it. */
const REDIRECTION = /^(?:\d*|&)(?:>>|>&|<&|<<<|<<|<>|>\||>|<)/;
/** What ends a word; in `[[ ]]`, `( ) | & < >` are part of the expression's words. */
const WORD_END = " \t\n;&|()<>";
const CONDITIONAL_WORD_END = " \t\n;";

class Reader {
  private i = 0;
  readonly commands: SimpleCommand[] = [];
  readonly unread: string[] = [];

  constructor(private readonly s: string) {}

  /** Reads commands to the end of the script, or to the `)` that closes the `$(` it is in. */
  list(inSubstitution: boolean): void {
    const s = this.s;
    let words: string[] = [];
    let assignments: string[] = [];
    let forClause = false;
    let conditional = false;
    let depth = 0;
    const end = (): void => {
      if (words.length + assignments.length > 0) this.commands.push({ words, assignments });
      words = [];
      assignments = [];
      forClause = false;
      conditional = false;
    };
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === " " || c === "\t") this.i++;
      else if (c === "\\" && s[this.i + 1] === "\n") this.i += 2;
      else if (c === "#") this.i = s.includes("\n", this.i) ? s.indexOf("\n", this.i) : s.length;
      else if (c === "\n" || c === ";") {
        this.i++;
        end();
      } else if (conditional) {
        const word = this.word(CONDITIONAL_WORD_END);
        words.push(word);
        if (word === "]]") conditional = false;
      } else if ((c === "<" || c === ">") && s[this.i + 1] === "(") {
        // A process substitution: its commands run too.
        this.i += 2;
        this.list(true);
      } else if (REDIRECTION.test(s.slice(this.i, this.i + 4)) && !/^&[&|]/.test(s.slice(this.i, this.i + 2))) {
        this.redirection();
      } else if (c === "&" || c === "|") {
        this.i += s[this.i + 1] === "&" || s[this.i + 1] === "|" ? 2 : 1;
        end();
      } else if (c === "(") {
        this.i++;
        depth++;
        end();
      } else if (c === ")") {
        this.i++;
        end();
        if (depth === 0 && inSubstitution) return;
        depth--;
      } else {
        const word = this.word(WORD_END);
        if (forClause) continue;
        if (words.length === 0 && ASSIGNMENT.test(word)) assignments.push(word);
        else if (words.length === 0 && assignments.length === 0 && RESERVED.has(word)) continue;
        else if (words.length === 0 && assignments.length === 0 && word === "for") forClause = true;
        else {
          if (words.length === 0 && word === "[[") conditional = true;
          words.push(word);
        }
      }
    }
    if (inSubstitution) this.unread.push("a $( without its )");
    end();
  }

  /** A redirection and its file; the file's command substitutions are read as commands. */
  private redirection(): void {
    const operator = REDIRECTION.exec(this.s.slice(this.i, this.i + 4))![0];
    this.i += operator.length;
    if (operator.replace(/^\d*/, "") === "<<") this.unread.push("a heredoc (<<): write the text with echo or a file");
    if (/[<>]&$/.test(operator) && /[\d-]/.test(this.s[this.i] ?? "")) {
      while (/[\d-]/.test(this.s[this.i] ?? "")) this.i++;
      return;
    }
    while (this.s[this.i] === " " || this.s[this.i] === "\t") this.i++;
    this.word(WORD_END);
  }

  /** A word, as written, from here to the first unquoted character of `ends`. */
  private word(ends: string): string {
    const s = this.s;
    const start = this.i;
    while (this.i < s.length && !ends.includes(s[this.i])) {
      const c = s[this.i];
      if (c === "\\") this.i += 2;
      else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        if (close < 0) {
          this.unread.push("a ' without its closing quote");
          this.i = s.length;
        } else this.i = close + 1;
      } else if (c === '"') {
        this.i++;
        this.doubleQuoted();
      } else if (c === "`") this.backquoted();
      else if (c === "$") this.dollar();
      else this.i++;
    }
    return s.slice(start, this.i);
  }

  /** The rest of a double-quoted string, after its opening quote. */
  private doubleQuoted(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === "\\") this.i += 2;
      else if (c === '"') {
        this.i++;
        return;
      } else if (c === "`") this.backquoted();
      else if (c === "$") this.dollar();
      else this.i++;
    }
    this.unread.push('a " without its closing quote');
  }

  /** A command in backquotes, which the reader does not read: reported, and skipped. */
  private backquoted(): void {
    this.unread.push("a `command` in backquotes: write $(command)");
    const close = this.s.indexOf("`", this.i + 1);
    this.i = close < 0 ? this.s.length : close + 1;
  }

  /** A `$` expansion: `$(` is a command substitution, read as commands; `$((`, `${` are skipped. */
  private dollar(): void {
    const s = this.s;
    if (s.startsWith("$((", this.i)) this.i = this.closing(this.i + 1, "(", ")");
    else if (s.startsWith("$(", this.i)) {
      this.i += 2;
      this.list(true);
    } else if (s.startsWith("${", this.i)) this.i = this.closing(this.i + 1, "{", "}");
    else this.i++;
  }

  /** The index after the bracket that closes the one at `open`. */
  private closing(open: number, opening: string, closing: string): number {
    let depth = 0;
    for (let j = open; j < this.s.length; j++) {
      if (this.s[j] === opening) depth++;
      else if (this.s[j] === closing && --depth === 0) return j + 1;
    }
    this.unread.push(`a ${opening} without its ${closing}`);
    return this.s.length;
  }
}

/** The simple commands of a bash script, and what the reader could not read in it. */
export function readScript(script: string): ReadScript {
  const reader = new Reader(script);
  reader.list(false);
  return { commands: reader.commands, unread: reader.unread };
}

/** A word without its quotes and backslashes, not expanded: `"$TARGET"` is `$TARGET`. */
export function unquoted(word: string): string {
  let out = "";
  let quote: string | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (c === "\\") {
      const next = word[++i] ?? "";
      // In double quotes a backslash escapes only $ ` " \ and a newline.
      if (quote === '"' && !'$`"\\\n'.includes(next)) out += c;
      out += next;
    } else if (c === '"') quote = quote === '"' ? undefined : '"';
    else if (c === "'" && quote === undefined) quote = "'";
    else out += c;
  }
  return out;
}
