// Lint rules `make test` enforces (with prettier for layout): the project's own promises first.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Designs plug into the kernel through declared hooks: a function assigned to another object's member is a patch. */
const noMethodPatches = {
  selector:
    "AssignmentExpression[left.type='MemberExpression'][left.object.type!='ThisExpression']" +
    '[right.type=/^(ArrowFunctionExpression|FunctionExpression)$/]',
  message: 'Assigning a function to an object member patches it: declare a hook or port on its class instead.',
}

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'results/', 'coverage/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
    rules: {
      // model code is generators: many have fast paths that return before any yield
      'require-yield': 'off',
      // generator plumbing (Generator<SimCommand, T, any>) is typed `any` on purpose at its seams
      '@typescript-eslint/no-explicit-any': 'off',
      // `const self = this` inside generator functions that cannot be arrows
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'max-len': [
        'error',
        {code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true},
      ],
      'max-lines-per-function': ['error', {max: 60, skipBlankLines: true, skipComments: true}],
      'no-restricted-syntax': ['error', noMethodPatches],
    },
  },
  {
    files: ['test/**'],
    rules: {'max-lines-per-function': 'off', 'no-restricted-syntax': 'off'},
  },
)
