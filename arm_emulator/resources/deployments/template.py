"""The part of ARM's template language the emulated deployments evaluate: parameters (given values and
defaults), variables, resources with their `subscriptionId` / `resourceGroup` targets, nested inline deployments
(`Microsoft.Resources/deployments` with `properties.template`, evaluated in the outer scope unless
`expressionEvaluationOptions.scope` is `inner`), and expressions with the functions in FUNCTIONS, string literals,
numbers, property access and indexes. Anything else (copy loops, conditions, linked templates, unknown functions)
is refused as `InvalidTemplate`, so a template the emulator would misread never half-deploys."""
import re

from ...frontdoor import errors

NESTED = 'microsoft.resources/deployments'
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+)|(?P<name>[A-Za-z_]\w*)"
                    r"|(?P<punct>[(),.\[\]]))")


class TemplateError(errors.ArmError):
    def __init__(self, message):
        super().__init__(400, 'InvalidTemplate', f'Deployment template validation failed: {message}')


class Scope:  # pylint: disable=too-few-public-methods
    """What expressions can see: parameter values, variable definitions, the target group and subscription."""

    def __init__(self, parameters, variables, subscription, group):
        self.parameters, self.variables = parameters, variables
        self.subscription, self.group = subscription, group


def _concat(*values):
    if values and all(isinstance(value, list) for value in values):
        return [item for value in values for item in value]
    return ''.join(_text(value) for value in values)


def _text(value):
    return value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def _format(pattern, *values):
    return re.sub(r'\{(\d+)\}', lambda match: _text(values[int(match.group(1))]), pattern)


def _resource_id(scope, *parts):
    if len(parts) % 2 == 0 or len(parts) < 2:
        raise TemplateError('resourceId() takes a resource type and its names.')
    resource_type, names = parts[0], list(parts[1:])
    namespace, types = resource_type.split('/', 1)[0], resource_type.split('/')[1:]
    path = '/'.join(f'{kind}/{name}' for kind, name in zip(types, names))
    return (f"/subscriptions/{scope.subscription}/resourceGroups/{scope.group['name']}/providers/{namespace}/"
            f"{path}")


FUNCTIONS = {
    'concat': lambda scope, *args: _concat(*args),
    'split': lambda scope, text, separator: text.split(separator),
    'tolower': lambda scope, text: text.lower(),
    'toupper': lambda scope, text: text.upper(),
    'replace': lambda scope, text, old, new: text.replace(old, new),
    'string': lambda scope, value: _text(value),
    'format': lambda scope, pattern, *args: _format(pattern, *args),
    'first': lambda scope, value: value[0],
    'last': lambda scope, value: value[-1],
    'length': lambda scope, value: len(value),
    'resourcegroup': lambda scope: {'id': scope.group['id'], 'name': scope.group['name'],
                                    'location': scope.group['location'], 'properties': {}},
    'subscription': lambda scope: {'id': '/subscriptions/' + scope.subscription,
                                   'subscriptionId': scope.subscription},
    'resourceid': _resource_id,
}


class _Parser:
    def __init__(self, text, scope):
        self.tokens = self._tokens(text)
        self.position, self.scope = 0, scope

    @staticmethod
    def _tokens(text):
        tokens, position = [], 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match or match.end() == position:
                if text[position:].strip() == '':
                    break
                raise TemplateError(f"cannot read the expression '[{text}]'.")
            kind = match.lastgroup
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None)

    def take(self, value=None):
        token = self.peek()
        if token[0] is None or (value is not None and token[1] != value):
            raise TemplateError(f"expected '{value or 'more'}' in an expression.")
        self.position += 1
        return token

    def expression(self):
        kind, value = self.take()
        if kind == 'string':
            result = value[1:-1].replace("''", "'")
        elif kind == 'number':
            result = int(value)
        elif kind == 'name':
            result = self.call(value)
        else:
            raise TemplateError(f"unexpected '{value}' in an expression.")
        return self.accessors(result)

    def call(self, name):
        function = name.lower()
        self.take('(')
        args = []
        while self.peek()[1] != ')':
            args.append(self.expression())
            if self.peek()[1] == ',':
                self.take(',')
        self.take(')')
        if function == 'parameters':
            if args[0] not in self.scope.parameters:
                raise TemplateError(f"the parameter '{args[0]}' is not defined.")
            return self.scope.parameters[args[0]]
        if function == 'variables':
            if args[0] not in self.scope.variables:
                raise TemplateError(f"the variable '{args[0]}' is not defined.")
            return evaluate(self.scope.variables[args[0]], self.scope)
        if function not in FUNCTIONS:
            raise TemplateError(f"the template function '{name}' is not supported here.")
        try:
            return FUNCTIONS[function](self.scope, *args)
        except (TypeError, IndexError, AttributeError, KeyError) as error:
            raise TemplateError(f"the template function '{name}' cannot take these arguments.") from error

    def accessors(self, value):
        while self.peek()[1] in ('.', '['):
            if self.take()[1] == '.':
                key = self.take()[1]
                value = value.get(key) if isinstance(value, dict) else None
            else:
                index = self.expression()
                self.take(']')
                try:
                    value = value[index]
                except (IndexError, KeyError, TypeError) as error:
                    raise TemplateError(f"the index '{index}' is out of range.") from error
        return value


def evaluate(value, scope):
    """A template value with every expression in it evaluated."""
    if isinstance(value, dict):
        return {key: evaluate(item, scope) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate(item, scope) for item in value]
    if isinstance(value, str) and value.startswith('[') and value.endswith(']'):
        if value.startswith('[['):
            return value[1:]  # an escaped literal
        parser = _Parser(value[1:-1], scope)
        result = parser.expression()
        if parser.peek()[0] is not None:
            raise TemplateError(f"cannot read the expression '{value}'.")
        return result
    return value


def parameter_values(template, given):
    """The template's parameters: the values given (`{name: {value}}`), else their defaults."""
    values = {}
    for name, definition in (template.get('parameters') or {}).items():
        if name in (given or {}):
            values[name] = (given[name] or {}).get('value')
        elif 'defaultValue' in (definition or {}):
            values[name] = definition['defaultValue']
        else:
            raise TemplateError(f"the value for the template parameter '{name}' is not provided.")
    return values


def plan(template, given, subscription, group, resolve_group):
    """The resources a template creates, in order, as (subscription, group doc, resource dict); nested inline
    deployments contribute theirs, and themselves as ('deployment', ...). resolve_group(subscription, name) returns
    a group doc or raises ARM's ResourceGroupNotFound."""
    if not isinstance(template, dict) or not isinstance(template.get('resources', []), list):
        raise TemplateError('the template must be an object with a resources array.')
    scope = Scope(parameter_values(template, given), template.get('variables') or {}, subscription, group)
    return _resources(template, scope, resolve_group)


def _resources(template, scope, resolve_group):
    planned = []
    for raw in template.get('resources') or []:
        unsupported = [key for key in ('copy', 'condition', 'scope', 'existing') if key in raw]
        if unsupported:
            raise TemplateError(f"the resource property '{unsupported[0]}' is not supported here.")
        resource = dict(raw)
        properties = resource.pop('properties', None)
        resource = evaluate(resource, scope)
        subscription = resource.get('subscriptionId') or scope.subscription
        group = resolve_group(subscription, resource['resourceGroup']) if resource.get('resourceGroup') else \
            scope.group
        if str(resource.get('type', '')).lower() == NESTED:
            planned += _nested(resource, properties or {}, scope, (subscription, group), resolve_group)
            continue
        resource['properties'] = evaluate(properties, scope) if properties is not None else {}
        planned.append((subscription, group, resource))
    return planned


def _nested(resource, properties, scope, target, resolve_group):
    """A nested inline deployment into target (subscription, group doc): its resources, then the deployment itself.
    Expressions inside it see the outer template unless it asks for its own (inner) scope."""
    subscription, group = target
    template = properties.get('template')
    if not isinstance(template, dict):
        raise TemplateError('only nested deployments with an inline template are supported here.')
    inner = ((properties.get('expressionEvaluationOptions') or {}).get('scope') or 'outer').lower() == 'inner'
    if inner:
        nested_scope = Scope(parameter_values(template, evaluate(properties.get('parameters') or {}, scope)),
                             template.get('variables') or {}, subscription, group)
    else:
        nested_scope = Scope(scope.parameters, scope.variables, subscription, group)
    planned = _resources(template, nested_scope, resolve_group)
    deployment = dict(resource, properties={'mode': properties.get('mode') or 'Incremental'})
    return planned + [(subscription, group, dict(deployment, type='deployment'))]
