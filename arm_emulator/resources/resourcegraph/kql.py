"""The subset of Kusto Query Language (KQL) the emulator's Resource Graph understands.

    query    := TABLE ( '|' operator )*
    operator := 'where' expr | 'project' column (',' column)* | ('order' | 'sort') 'by' column ['asc' | 'desc']
                | ('limit' | 'take') NUMBER
    expr     := term ( ('and' | 'or') term )*          -- 'and' binds tighter than 'or'
    term     := '(' expr ')' | 'not' '(' expr ')' | column OP value | column ['!'] ('in' | 'in~') '(' value, ... ')'
                | ('isempty' | 'isnotempty') '(' column ')'
    OP       := '==' | '!=' | '=~' | '!~' | 'contains' | '!contains' | 'startswith' | 'endswith' | 'has'
    column   := NAME ( '.' NAME | '[' STRING ']' )*   -- e.g. properties.ExtensionType, tags['env']
    value    := STRING | NUMBER | 'true' | 'false'

Anything else raises :class:`KqlError`, which the endpoint answers with Resource Graph's 400 envelope.
"""
import re

TOKEN = re.compile(r"""\s*(?:(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?)
                     |(?P<op>==|!=|=~|!~|\||\(|\)|,|\.|\[|\])|(?P<word>!?[A-Za-z_][A-Za-z0-9_~]*))""", re.VERBOSE)
COMPARISONS = ('==', '!=', '=~', '!~', 'contains', '!contains', 'startswith', 'endswith', 'has')


class KqlError(ValueError):
    def __init__(self, message, position=0, token=''):
        super().__init__(message)
        self.position = position
        self.token = token


def tokenize(text):
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise KqlError(f"Unexpected character '{text[position:].lstrip()[:1]}'.", position,
                           text[position:position + 10].strip())
        kind = match.lastgroup
        value = match.group(kind)
        if kind == 'string':
            value = re.sub(r'\\(.)', r'\1', value[1:-1])
        elif kind == 'number':
            value = float(value) if '.' in value else int(value)
        tokens.append((kind, value, match.start(kind)))
        position = match.end()
    return tokens


class Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self, offset=0):
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else ('end', None, -1)

    def take(self, kind=None, value=None):
        token = self.peek()
        if (kind and token[0] != kind) or (value is not None and str(token[1]).lower() != value):
            found = token[1] if token[1] is not None else 'end of query'
            raise KqlError(f"Expected {value or kind} but found '{found}'.", token[2], str(token[1]))
        self.index += 1
        return token[1]

    def at_word(self, *words):
        token = self.peek()
        return token[0] == 'word' and token[1].lower() in words

    def column(self):
        path = [self.take('word')]
        while self.peek()[1] in ('.', '['):
            if self.take('op') == '.':
                path.append(self.take('word'))
            else:
                path.append(self.take('string'))
                self.take('op', ']')
        return tuple(path)

    def value(self):
        token = self.peek()
        if token[0] in ('string', 'number'):
            self.index += 1
            return token[1]
        if self.at_word('true', 'false'):
            return self.take('word').lower() == 'true'
        raise KqlError(f"Expected a literal but found '{token[1]}'.", token[2], str(token[1]))

    def term(self):
        if self.peek()[1] == '(':
            self.take('op')
            inner = self.expr()
            self.take('op', ')')
            return inner
        if self.at_word('not'):
            self.take('word')
            self.take('op', '(')
            inner = self.expr()
            self.take('op', ')')
            return ('not', inner)
        if self.at_word('isempty', 'isnotempty'):
            function = self.take('word').lower()
            self.take('op', '(')
            column = self.column()
            self.take('op', ')')
            return (function, column)
        column = self.column()
        token = self.peek()
        word = str(token[1]).lower()
        if word in ('in', 'in~', '!in', '!in~'):
            self.index += 1
            self.take('op', '(')
            values = [self.value()]
            while self.peek()[1] == ',':
                self.take('op')
                values.append(self.value())
            self.take('op', ')')
            return (word, column, values)
        if word in COMPARISONS:
            self.index += 1
            return (word, column, self.value())
        raise KqlError(f"Unsupported operator '{token[1]}'.", token[2], str(token[1]))

    def expr(self):
        return self.chain('or', self.conjunction)

    def conjunction(self):
        return self.chain('and', self.term)

    def chain(self, word, operand):
        """``operand (word operand)*``, grouped from the left: ``a or b or c`` is ``('or', ('or', a, b), c)``."""
        left = operand()
        while self.at_word(word):
            self.take('word')
            left = (word, left, operand())
        return left

    def operator(self):
        word = self.take('word').lower()
        if word == 'where':
            return ('where', self.expr())
        if word == 'project':
            columns = [self.column()]
            while self.peek()[1] == ',':
                self.take('op')
                columns.append(self.column())
            return ('project', columns)
        if word in ('order', 'sort'):
            self.take('word', 'by')
            column = self.column()
            descending = False
            if self.at_word('asc', 'desc'):
                descending = self.take('word').lower() == 'desc'
            return ('order', column, descending)
        if word in ('limit', 'take'):
            return ('limit', int(self.take('number')))
        raise KqlError(f"The operator '{word}' is not supported here.", self.peek(-1)[2], word)

    def query(self):
        table = self.take('word')
        operators = []
        while self.peek()[0] != 'end':
            self.take('op', '|')
            operators.append(self.operator())
        return table, operators


def parse(text):
    """(table name, [operator, ...]) for a query, or KqlError."""
    return Parser(text).query()


def lookup(row, column):
    """A column's value; property names match without regard to case, as Resource Graph's do."""
    value = row
    for part in column:
        if not isinstance(value, dict):
            return None
        if part in value:
            value = value[part]
            continue
        lowered = part.lower()
        value = next((item for key, item in value.items() if key.lower() == lowered), None)
    return value


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return '' if value is None else str(value)


def _compare(op, left, right):
    text, other = _text(left), _text(right)
    if op in ('==', '!='):
        equal = left == right if not isinstance(right, str) else text == other
        return equal if op == '==' else not equal
    if op in ('=~', '!~'):
        return (text.lower() == other.lower()) == (op == '=~')
    if op in ('contains', '!contains'):
        return (other.lower() in text.lower()) == (op == 'contains')
    if op == 'startswith':
        return text.lower().startswith(other.lower())
    if op == 'endswith':
        return text.lower().endswith(other.lower())
    return re.search(rf'(?<![A-Za-z0-9]){re.escape(other.lower())}(?![A-Za-z0-9])', text.lower()) is not None


def matches(node, row):
    kind = node[0]
    if kind == 'and':
        return matches(node[1], row) and matches(node[2], row)
    if kind == 'or':
        return matches(node[1], row) or matches(node[2], row)
    if kind == 'not':
        return not matches(node[1], row)
    if kind in ('isempty', 'isnotempty'):
        return (_text(lookup(row, node[1])) == '') == (kind == 'isempty')
    value = lookup(row, node[1])
    if kind.lstrip('!') in ('in', 'in~'):
        folded = kind.endswith('~')
        text = _text(value).lower() if folded else _text(value)
        found = text in [(_text(item).lower() if folded else _text(item)) for item in node[2]]
        return found != kind.startswith('!')
    return _compare(kind, value, node[2])


def _ordered(rows, column, descending):
    return sorted(rows, key=lambda row: _text(lookup(row, column)).lower(), reverse=descending)


def run(operators, rows):
    """Apply the operators to rows; returns (rows, limited) where limited says a limit/take was used."""
    limited = False
    for operator in operators:
        if operator[0] == 'where':
            rows = [row for row in rows if matches(operator[1], row)]
        elif operator[0] == 'project':
            rows = [{column[-1]: lookup(row, column) for column in operator[1]} for row in rows]
        elif operator[0] == 'order':
            rows = _ordered(rows, operator[1], operator[2])
        else:
            rows, limited = rows[:operator[1]], True
    return rows, limited
